//! A release that stopped: what is out (asked again of the registries), what is not, and
//! the one command that finishes it.
use super::{Refused, Release, build, normalize};
use crate::error::{Failure, Kind};
use crate::plan::publish::Step;
use crate::registry::Targets;
use crate::release_record::PublishRecord;

impl Release<'_> {
    /// The error of a release that stopped. Something of this release out (the journal
    /// or the registries say so): exit 3 and a to-do list; else the error as it is.
    pub(super) fn stopped(
        &self,
        err: anyhow::Error,
        journal: &mut PublishRecord,
        steps: Option<&[Step]>,
    ) -> anyhow::Error {
        let err = match err.downcast::<Refused>() {
            Ok(Refused(failure)) => return failure.into(),
            Err(err) => err,
        };
        let unanswered = self.recheck(journal, steps.unwrap_or_default());
        // What the failed step may have put out but the registries could not be asked
        // about: not "nothing happened" (exit 1), but a release to finish (exit 3).
        let attempted = err
            .downcast_ref::<crate::exec::release::Attempted>()
            .map(|a| a.ids.clone())
            .unwrap_or_default();
        let unknown: Vec<String> = unanswered
            .into_iter()
            .filter(|id| attempted.contains(id) && !journal.is_done(id))
            .map(|id| describe(&id, self.targets))
            .collect();
        let _ = journal.save(self.journal_path);
        let done = |id: &str| journal.is_done(id);
        let mut out = Vec::new();
        let mut left = Vec::new();
        for step in steps.unwrap_or_default() {
            for id in &step.ids {
                let line = describe(id, self.targets);
                if done(id) || !step.runs() {
                    out.push(line);
                } else {
                    left.push(line);
                }
            }
        }
        if steps.is_none() {
            out.extend(journal.done.iter().map(|d| describe(&d.step, self.targets)));
            left.push("everything else (the run stopped before it was planned)".into());
        }
        let published = out
            .iter()
            .any(|l| l.starts_with("crate ") || l.starts_with("file "));
        if !published && unknown.is_empty() {
            return err;
        }
        left.retain(|l| !unknown.contains(l));
        let version = &self.project.version;
        let list = |title: &str, lines: &[String]| {
            let mut text = format!("\n  {title}:");
            for line in lines {
                text.push_str(&format!("\n    {line}"));
            }
            text
        };
        Failure {
            kind: Kind::Partial,
            message: format!(
                "the release of {} {version} stopped part-way: {err:#}{}{}",
                self.project.name(),
                list("out", &out),
                list("not yet", &left)
            ) + &if unknown.is_empty() {
                String::new()
            } else {
                list(
                    "maybe out (the registry could not be asked after the step failed)",
                    &unknown,
                )
            },
            location: Some(crate::error::Location {
                file: self.journal_path.to_path_buf(),
                line: None,
            }),
            help: Some(format!(
                "fix the cause and run `{}` again: it asks the registries, skips what is out and uploads the same files; or take it back with `cargo pyrelease yank {version}`",
                rerun_command()
            )),
        }
        .into()
    }
}

impl Release<'_> {
    /// After a failed step, asks the registries again (fresh: a new clone of a git
    /// index) which of its crates and files went out anyway (cargo publishes one crate
    /// after the other; an upload can store a file and die before answering), and records
    /// those of this release's bytes. Unanswered look-ups leave the journal as it is and
    /// are returned.
    fn recheck(&self, journal: &mut PublishRecord, steps: &[Step]) -> Vec<String> {
        let pending: Vec<&String> = steps
            .iter()
            .filter(|s| s.runs())
            .flat_map(|s| &s.ids)
            .filter(|id| !journal.is_done(id))
            .collect();
        let ours = |name: &str, kind_crate: bool| {
            journal
                .artifacts
                .iter()
                .find(|a| {
                    (a.kind == crate::release_record::Kind::Crate) == kind_crate
                        && if kind_crate {
                            a.name == name
                        } else {
                            build::file_name(&a.path) == name
                        }
                })
                .map(|a| a.sha256.clone())
        };
        let mut found = Vec::new();
        let mut unanswered = Vec::new();
        for id in pending {
            let there = match id.split_once(':') {
                Some(("crate", name)) => match self.targets.crates.versions(name) {
                    Err(_) => {
                        unanswered.push(id.clone());
                        None
                    }
                    Ok(vs) => vs
                        .into_iter()
                        .find(|v| v.version == self.project.version)
                        .map(|v| (v.cksum, ours(name, true))),
                },
                Some(("python", file)) => {
                    let stem = file.split('-').next().unwrap_or_default();
                    let package = self
                        .project
                        .packages
                        .iter()
                        .map(|p| self.project.dist_name(p))
                        .find(|n| normalize(n) == normalize(stem));
                    match package.map(|p| self.targets.python.listed(&p)) {
                        Some(Err(_)) => {
                            unanswered.push(id.clone());
                            None
                        }
                        Some(Ok(files)) => files
                            .into_iter()
                            .find(|f| f.filename == file)
                            .map(|f| (f.sha256, ours(file, false))),
                        None => None,
                    }
                }
                _ => None,
            };
            if let Some((theirs, Some(ours))) = there
                && theirs.is_none_or(|t| t == ours)
            {
                found.push(id.clone());
            }
        }
        for id in found {
            journal.mark(id, "found on the registry after the step failed");
        }
        unanswered
    }
}

/// A journal step as the to-do list names it.
fn describe(id: &str, targets: &Targets) -> String {
    match id.split_once(':') {
        Some(("crate", name)) => format!("crate {name} on {}", targets.crates_name()),
        Some(("python", file)) => format!(
            "file {file} on {}",
            crate::registry::redact_url(targets.python.simple_url())
        ),
        _ => match id {
            "tag" => "the tag".to_string(),
            "push" => "the tag (and branch) pushed".to_string(),
            "github-release" => "the GitHub release (a draft with the files)".to_string(),
            "github-publish" => "the GitHub release published".to_string(),
            other => other.to_string(),
        },
    }
}

/// The command line of this run, as the one to run again (without `--dry-run`), with
/// any credentials in URLs hidden.
fn rerun_command() -> String {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .skip_while(|a| a == "pyrelease")
        .filter(|a| a != "--dry-run")
        .map(|a| crate::registry::redact_url(&a))
        .collect();
    let line = crate::exec::cmd::Cmd::new("cargo", crate::exec::cmd::Kind::Read)
        .arg("pyrelease")
        .args(&args)
        .to_string();
    crate::redact::redact(&line).into_owned()
}

/// How long crates.io asks to wait after refusing a new crate with 429 ("Please try
/// again after Tue, 01 Dec 2026 10:00:00 GMT", as cargo relays it, or a `Retry-After`
/// in seconds), from the failed step's text and the time now (seconds since the epoch).
pub fn rate_limit_wait(text: &str, now: i64) -> Option<std::time::Duration> {
    if !text.contains("429") {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let until = if let Some(at) = lower.find("retry-after:") {
        let secs: i64 = text[at + 12..].split_whitespace().next()?.parse().ok()?;
        now + secs
    } else {
        let at = lower.find("try again after ")? + 16;
        http_date(&text[at..])?
    };
    Some(std::time::Duration::from_secs(
        u64::try_from(until - now).unwrap_or(0).max(1),
    ))
}

/// `Tue, 01 Dec 2026 10:00:00 GMT` (RFC 9110's IMF-fixdate) as seconds since the epoch.
fn http_date(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split_whitespace().take(5).collect();
    let [_, day, month, year, time] = words.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS
        .iter()
        .position(|m| month.to_ascii_lowercase().starts_with(m))?
        + 1;
    let date = format!("{year}-{month:02}-{:0>2}", day.trim_end_matches(','));
    let days = super::state::day_of(&date)?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_says_how_long_to_wait() {
        let now = http_date("Tue, 01 Dec 2026 10:00:00 GMT").unwrap();
        let cargo = "the remote server responded with an error (status 429 Too Many Requests): You have published too many new crates in a short period of time. Please try again after Tue, 01 Dec 2026 10:09:30 GMT or email help@crates.io";
        assert_eq!(
            rate_limit_wait(cargo, now),
            Some(std::time::Duration::from_secs(570))
        );
        assert_eq!(
            rate_limit_wait("HTTP 429\nRetry-After: 42", now),
            Some(std::time::Duration::from_secs(42))
        );
        assert_eq!(rate_limit_wait("status 500", now), None);
        assert_eq!(http_date("2026-12-01"), None);
    }
}
