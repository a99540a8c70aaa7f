//! A local replay of a generated GitHub Actions workflow: the jobs in `needs` order,
//! each `run:` step run by bash on this machine with the variables GitHub sets on a
//! tag push, and the `uses:` steps this harness knows replaced by local equivalents:
//!
//! | step | here |
//! |---|---|
//! | `actions/checkout` | a fresh clone of the remote at the tag |
//! | `PyO3/maturin-action` | `maturin COMMAND ARGS` for this platform only (other matrix entries are skipped and listed) |
//! | `actions/upload-artifact`, `actions/download-artifact` | a folder per artifact name |
//! | `rust-lang/crates-io-auth-action` | a token for the local registry |
//! | `actions/attest-build-provenance` | recorded, with a stand-in bundle |
//! | `actions/setup-python`, `Install Rust`, `Install uv`, `Install cargo-pyrelease` | nothing: the tools are on PATH (the tool is the binary under test) |
//! | the PEP 740 signing step | a stand-in that writes `FILE.publish.attestation` (Sigstore needs GitHub's OIDC) |
//!
//! Anything else (an action, an expression, a condition it does not know) stops the
//! replay: a workflow that changed must change the harness too, never slip past it.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A job as the workflow declares it.
pub struct Job {
    pub id: String,
    pub needs: Vec<String>,
    value: Value,
}

pub struct Workflow {
    env: BTreeMap<String, String>,
    /// In an order where every job comes after the jobs it needs.
    pub jobs: Vec<Job>,
}

/// The workflow at `path`, read with PyYAML from the test tools' environment (scripts/tools.sh
/// installs it there: a fresh machine's python3 need not have it).
pub fn load(path: &Path) -> Workflow {
    let out = Command::new(super::tools::tool("python"))
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(path)
        .output()
        .expect("the test tools' python (with PyYAML) reads the workflow");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let env = strings(&doc["env"]);
    let mut pending: Vec<Job> = doc["jobs"]
        .as_object()
        .expect("jobs")
        .iter()
        .map(|(id, value)| Job {
            id: id.clone(),
            needs: match &value["needs"] {
                Value::String(one) => vec![one.clone()],
                Value::Array(many) => many.iter().map(|n| n.as_str().unwrap().into()).collect(),
                _ => Vec::new(),
            },
            value: value.clone(),
        })
        .collect();
    let mut jobs: Vec<Job> = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|j| j.needs.iter().all(|n| jobs.iter().any(|d| &d.id == n)))
            .expect("`needs` has no cycle");
        jobs.push(pending.remove(ready));
    }
    Workflow { env, jobs }
}

fn strings(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    /// A job it needs did not succeed.
    Skipped,
}

/// The machine the jobs run on, and what they left behind across attempts.
pub struct Runner {
    /// Scratch space: jobs' folders, artifacts.
    pub root: PathBuf,
    /// The repository the checkouts clone.
    pub remote: PathBuf,
    pub tag: String,
    /// `owner/repo`.
    pub repository: String,
    /// The runner's own environment (PATH with the tools, registry URLs ...).
    pub env: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, String>,
    pub attempt: u32,
    /// Each job's last outcome.
    pub outcomes: BTreeMap<String, Outcome>,
    /// What the harness did instead of GitHub (replaced steps, skipped matrix entries).
    pub log: Vec<String>,
    /// The file names each attestation step covered, by job.
    pub attested: Vec<(String, Vec<String>)>,
    /// Every job's output, for failure messages.
    pub transcript: String,
}

/// The state of one job while it runs.
struct JobRun<'a> {
    job: &'a Job,
    matrix: Value,
    work: PathBuf,
    temp: PathBuf,
    env: BTreeMap<String, String>,
    path_prepend: Vec<String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    outcomes: BTreeMap<String, &'static str>,
}

impl Runner {
    /// Runs an attempt: the jobs `selected` picks (all of them on a first attempt; the
    /// failed and skipped ones for "Re-run failed jobs"), each once the jobs it needs
    /// succeeded, in this attempt or an earlier one.
    pub fn attempt(
        &mut self,
        workflow: &Workflow,
        selected: impl Fn(&str, Option<Outcome>) -> bool,
    ) {
        self.attempt += 1;
        for job in &workflow.jobs {
            if !selected(&job.id, self.outcomes.get(&job.id).copied()) {
                continue;
            }
            let ready = job
                .needs
                .iter()
                .all(|n| self.outcomes.get(n) == Some(&Outcome::Success));
            let outcome = if !ready {
                Outcome::Skipped
            } else if self.run_job(workflow, job) {
                Outcome::Success
            } else {
                Outcome::Failure
            };
            self.outcomes.insert(job.id.clone(), outcome);
        }
    }

    /// "Re-run failed jobs": the failed jobs and the ones skipped because of them.
    pub fn rerun_failed(&mut self, workflow: &Workflow) {
        self.attempt(workflow, |_, last| last != Some(Outcome::Success));
    }

    /// "Re-run all jobs".
    pub fn rerun_all(&mut self, workflow: &Workflow) {
        self.attempt(workflow, |_, _| true);
    }

    pub fn all_succeeded(&self, workflow: &Workflow) -> bool {
        workflow
            .jobs
            .iter()
            .all(|j| self.outcomes.get(&j.id) == Some(&Outcome::Success))
    }

    fn run_job(&mut self, workflow: &Workflow, job: &Job) -> bool {
        let entries: Vec<Value> = match &job.value["strategy"]["matrix"]["platform"] {
            Value::Array(entries) => entries.clone(),
            _ => vec![Value::Null],
        };
        let mut ok = true;
        let mut ran = false;
        for entry in entries {
            let here = entry.is_null()
                || (entry["runner"] == "ubuntu-latest" && entry["target"] == "x86_64");
            if !here {
                self.log.push(format!(
                    "skipped {} ({}): not this platform",
                    job.id, entry["name"]
                ));
                continue;
            }
            ran = true;
            ok &= self.run_entry(workflow, job, entry);
        }
        assert!(ran, "no matrix entry of `{}` runs on this machine", job.id);
        ok
    }

    fn run_entry(&mut self, workflow: &Workflow, job: &Job, matrix: Value) -> bool {
        let dir = self
            .root
            .join(format!("attempt-{}", self.attempt))
            .join(&job.id);
        let (work, temp) = (dir.join("work"), dir.join("temp"));
        // As on GitHub, the workspace exists before (or without) a checkout.
        std::fs::create_dir_all(&work).unwrap();
        std::fs::create_dir_all(&temp).unwrap();
        let mut env = self.env.clone();
        env.extend(workflow.env.clone());
        let sha = git_rev(&self.remote, &self.tag);
        let (owner, _) = self.repository.split_once('/').unwrap();
        for (k, v) in [
            ("CI", "true"),
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", &format!("refs/tags/{}", self.tag)),
            ("GITHUB_REF_NAME", &self.tag),
            ("GITHUB_REF_TYPE", "tag"),
            ("GITHUB_REPOSITORY", &self.repository),
            ("GITHUB_REPOSITORY_OWNER", owner),
            ("GITHUB_SHA", &sha),
            ("GITHUB_WORKFLOW", "release"),
            ("GITHUB_JOB", &job.id),
            ("GITHUB_RUN_ID", "1"),
            ("GITHUB_RUN_ATTEMPT", &self.attempt.to_string()),
            ("GITHUB_WORKSPACE", work.to_str().unwrap()),
            ("RUNNER_TEMP", temp.to_str().unwrap()),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
        ] {
            env.insert(k.into(), v.into());
        }
        let mut run = JobRun {
            job,
            matrix,
            work,
            temp,
            env,
            path_prepend: Vec::new(),
            outputs: BTreeMap::new(),
            outcomes: BTreeMap::new(),
        };
        let job_env: BTreeMap<String, String> = strings(&job.value["env"])
            .into_iter()
            .map(|(k, v)| (k, self.expand(&run, &v)))
            .collect();
        run.env.extend(job_env);
        let steps = job.value["steps"].as_array().expect("steps").clone();
        self.transcript
            .push_str(&format!("=== attempt {} job {}\n", self.attempt, job.id));
        for (i, step) in steps.iter().enumerate() {
            if let Some(condition) = step["if"].as_str()
                && !self.condition(&run, condition)
            {
                continue;
            }
            let id = step["id"].as_str().map(str::to_string);
            let ok = self.step(&mut run, step, i);
            if let Some(id) = id {
                run.outcomes
                    .insert(id, if ok { "success" } else { "failure" });
            }
            if !ok {
                return false;
            }
        }
        true
    }

    /// `${{ EXPR }}` replaced by its value.
    fn expand(&self, run: &JobRun, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&self.value(run, rest[start + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn value(&self, run: &JobRun, expr: &str) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["github", "ref_name"] => self.tag.clone(),
            ["github", "ref"] => format!("refs/tags/{}", self.tag),
            ["github", "repository"] => self.repository.clone(),
            ["github", "token"] => "replay-github-token".into(),
            ["runner", "temp"] => run.temp.display().to_string(),
            ["matrix", "platform", key] => match &run.matrix[*key] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            },
            ["steps", id, "outputs", key] => run
                .outputs
                .get(*id)
                .and_then(|o| o.get(*key))
                .cloned()
                .unwrap_or_default(),
            ["secrets", name] => self.secrets.get(*name).cloned().unwrap_or_default(),
            _ => panic!("the replay does not know the expression `{expr}`"),
        }
    }

    fn condition(&self, run: &JobRun, condition: &str) -> bool {
        let condition = condition.trim();
        if condition == "runner.os != 'Linux'" {
            return false;
        }
        if let Some(rest) = condition.strip_prefix("steps.")
            && let Some((id, value)) = rest.split_once(".outcome == ")
        {
            let want = value.trim_matches('\'');
            return run.outcomes.get(id).copied() == Some(want);
        }
        if let Some(pattern) = condition
            .strip_prefix("hashFiles('")
            .and_then(|r| r.strip_suffix("') != ''"))
        {
            return !glob(&run.work, pattern).is_empty();
        }
        panic!("the replay does not know the condition `{condition}`");
    }

    fn step(&mut self, run: &mut JobRun, step: &Value, index: usize) -> bool {
        let name = step["name"].as_str().unwrap_or("").to_string();
        let with: BTreeMap<String, String> = strings(&step["with"])
            .into_iter()
            .map(|(k, v)| (k, self.expand(run, &v)))
            .collect();
        let step_env: BTreeMap<String, String> = strings(&step["env"])
            .into_iter()
            .map(|(k, v)| (k, self.expand(run, &v)))
            .collect();
        let what = format!("{} step {index} `{name}`", run.job.id);
        if let Some(uses) = step["uses"].as_str() {
            let action = uses.split('@').next().unwrap();
            return self.action(run, action, &with, step["id"].as_str(), &what);
        }
        let script = step["run"].as_str().expect("a step has `uses` or `run`");
        assert!(
            !script.contains("${{"),
            "{what}: an expression inside `run:`"
        );
        match name.as_str() {
            "Install Rust"
            | "Install uv (the uploader)"
            | "Install cargo-pyrelease"
            | "Install cargo-semver-checks" => {
                self.log.push(format!("{what}: on PATH here"));
                return true;
            }
            "Sign the wheels and the sdist (PEP 740 attestations)" => {
                return self.sign(run, &what);
            }
            _ => {}
        }
        let dir = match step["working-directory"].as_str() {
            Some(d) => run.work.join(d),
            None => run.work.clone(),
        };
        self.bash(run, script, &dir, &step_env, &what)
    }

    fn bash(
        &mut self,
        run: &mut JobRun,
        script: &str,
        dir: &Path,
        step_env: &BTreeMap<String, String>,
        what: &str,
    ) -> bool {
        let files = ["GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_ENV"].map(|var| {
            let file = run.temp.join(format!("{var}-{}", rand_name()));
            std::fs::write(&file, "").unwrap();
            (var, file)
        });
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(dir)
            .env_clear()
            .envs(&run.env)
            .envs(step_env);
        for (var, file) in &files {
            cmd.env(var, file);
        }
        let mut path: Vec<String> = run.path_prepend.clone();
        path.push(run.env.get("PATH").cloned().unwrap_or_default());
        cmd.env("PATH", path.join(":"));
        let out = cmd.output().unwrap();
        self.transcript.push_str(&format!(
            "--- {what} (exit {:?})\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
        let read = |var: &str| {
            let file = &files.iter().find(|(v, _)| *v == var).unwrap().1;
            std::fs::read_to_string(file).unwrap_or_default()
        };
        run.path_prepend
            .extend(read("GITHUB_PATH").lines().rev().map(str::to_string));
        for line in read("GITHUB_ENV").lines() {
            if let Some((k, v)) = line.split_once('=') {
                run.env.insert(k.into(), v.into());
            }
        }
        out.status.success()
    }

    fn action(
        &mut self,
        run: &mut JobRun,
        action: &str,
        with: &BTreeMap<String, String>,
        id: Option<&str>,
        what: &str,
    ) -> bool {
        match action {
            "actions/checkout" => {
                let ok = Command::new("git")
                    .args([
                        "-c",
                        "advice.detachedHead=false",
                        "clone",
                        "-q",
                        "--branch",
                        &self.tag,
                    ])
                    .arg(&self.remote)
                    .arg(&run.work)
                    .status()
                    .unwrap()
                    .success();
                assert_eq!(
                    with.get("persist-credentials").map(String::as_str),
                    Some("false")
                );
                ok
            }
            "actions/setup-python" => {
                self.log
                    .push(format!("{what}: the Pythons of this machine"));
                true
            }
            "PyO3/maturin-action" => self.maturin(run, with, what),
            "actions/upload-artifact" => self.upload(run, with, what),
            "actions/download-artifact" => self.download(run, with),
            "rust-lang/crates-io-auth-action" => {
                let token = self
                    .secrets
                    .get("CARGO_REGISTRY_TOKEN")
                    .cloned()
                    .unwrap_or_default();
                run.outputs
                    .entry(id.expect("the auth step has an id").into())
                    .or_default()
                    .insert("token".into(), token);
                true
            }
            "actions/attest-build-provenance" => {
                let subjects: Vec<PathBuf> = with["subject-path"]
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .flat_map(|pattern| glob(&run.work, pattern))
                    .collect();
                if subjects.is_empty() {
                    self.transcript
                        .push_str(&format!("--- {what}: no subject\n"));
                    return false;
                }
                let names: Vec<String> = subjects
                    .iter()
                    .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                    .collect();
                let bundle = run.temp.join(format!("attestation-{}.jsonl", rand_name()));
                std::fs::write(&bundle, format!("{{\"subjects\":{names:?}}}\n")).unwrap();
                self.attested.push((run.job.id.clone(), names));
                if let Some(id) = id {
                    run.outputs
                        .entry(id.into())
                        .or_default()
                        .insert("bundle-path".into(), bundle.display().to_string());
                }
                true
            }
            other => panic!("the replay does not know the action `{other}` ({what})"),
        }
    }

    /// `maturin COMMAND ARGS` for this machine: no `--target`, and only the
    /// interpreters it has.
    fn maturin(&mut self, run: &mut JobRun, with: &BTreeMap<String, String>, what: &str) -> bool {
        let command = with
            .get("command")
            .map_or("build", String::as_str)
            .to_string();
        let mut args = vec![command];
        let mut interpreters = false;
        for word in with
            .get("args")
            .map_or("", String::as_str)
            .split_whitespace()
        {
            if word.starts_with('-') {
                interpreters = word == "--interpreter" || word == "-i";
            } else if interpreters && which(word, &run.env).is_none() {
                self.log
                    .push(format!("{what}: {word} is not on this machine"));
                continue;
            }
            args.push(word.to_string());
        }
        let dir = match with.get("working-directory") {
            Some(d) => run.work.join(d),
            None => run.work.clone(),
        };
        let script = format!("maturin {}", args.join(" "));
        self.bash(run, &script, &dir, &BTreeMap::new(), what)
    }

    fn artifacts(&self) -> PathBuf {
        self.root.join("artifacts")
    }

    fn upload(&mut self, run: &JobRun, with: &BTreeMap<String, String>, what: &str) -> bool {
        let name = &with["name"];
        let from = run.work.join(&with["path"]);
        let to = self.artifacts().join(name);
        let _ = std::fs::remove_dir_all(&to);
        std::fs::create_dir_all(&to).unwrap();
        let mut copied = 0;
        if from.is_file() {
            std::fs::copy(&from, to.join(from.file_name().unwrap())).unwrap();
            copied += 1;
        } else if from.is_dir() {
            for entry in std::fs::read_dir(&from).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
                copied += 1;
            }
        }
        if copied == 0 && with.get("if-no-files-found").map(String::as_str) == Some("error") {
            self.transcript
                .push_str(&format!("--- {what}: no files at {}\n", from.display()));
            return false;
        }
        true
    }

    fn download(&mut self, run: &JobRun, with: &BTreeMap<String, String>) -> bool {
        let pattern = with
            .get("name")
            .or_else(|| with.get("pattern"))
            .expect("a name or a pattern");
        let into = run.work.join(&with["path"]);
        std::fs::create_dir_all(&into).unwrap();
        let merge = with.get("merge-multiple").map(String::as_str) == Some("true")
            || with.contains_key("name");
        for entry in std::fs::read_dir(self.artifacts()).into_iter().flatten() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !wildcard(pattern, &name) {
                continue;
            }
            let target = if merge {
                into.clone()
            } else {
                into.join(&name)
            };
            std::fs::create_dir_all(&target).unwrap();
            for file in std::fs::read_dir(entry.path()).unwrap() {
                let file = file.unwrap();
                std::fs::copy(file.path(), target.join(file.file_name())).unwrap();
            }
        }
        true
    }

    /// The stand-in for Sigstore signing: `FILE.publish.attestation` beside each wheel
    /// and sdist, in the shape of a PEP 740 attestation.
    fn sign(&mut self, run: &JobRun, what: &str) -> bool {
        let dist = run.temp.join("dist");
        let mut signed = 0;
        for file in glob(&run.work, &format!("{}/*", dist.display())) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".whl") || name.ends_with(".tar.gz") {
                let attestation = serde_json::json!({
                    "version": 1,
                    "verification_material": {"certificate": "", "transparency_entries": []},
                    "envelope": {"statement": "", "signature": ""},
                });
                std::fs::write(
                    dist.join(format!("{name}.publish.attestation")),
                    attestation.to_string(),
                )
                .unwrap();
                signed += 1;
            }
        }
        self.log
            .push(format!("{what}: {signed} stand-in attestations"));
        signed > 0
    }
}

fn git_rev(repo: &Path, rev: &str) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", &format!("{rev}^{{commit}}")])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn which(program: &str, env: &BTreeMap<String, String>) -> Option<PathBuf> {
    env.get("PATH")?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// The files `pattern` (`*` in the last component only) names, relative to `base`.
pub fn glob(base: &Path, pattern: &str) -> Vec<PathBuf> {
    let path = base.join(pattern);
    let (dir, last) = (
        path.parent().unwrap(),
        path.file_name().unwrap().to_string_lossy(),
    );
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| wildcard(&last, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// `*` matches any run of characters.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.starts_with(head)
                && (0..=name.len() - head.len()).any(|i| {
                    name.is_char_boundary(head.len() + i) && wildcard(tail, &name[head.len() + i..])
                })
        }
    }
}

fn rand_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}
