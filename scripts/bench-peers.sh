#!/usr/bin/env bash
# Benchmark `cargo pyrelease bump minor` against peer release tools and the `cargo metadata
# --no-deps` floor, and record what each tool changed.
#
# usage: scripts/bench-peers.sh [--install] [--runs N] [--warmup N] [--fixtures LIST]
#                               [--bin PATH] [--out DIR]
#
#   --install        install the peers first, without touching anything global:
#                    cargo-release and knope with `cargo install --locked --root <target>/tools`
#                    (if the newest release needs a newer rustc, the newest one this toolchain
#                    supports, as cargo names it), bump-my-version with pip into
#                    <target>/tools/venv (created if missing). Installs run under `nice`.
#   --runs N         hyperfine runs per command (default 5)
#   --warmup N       hyperfine warm-up runs per command (default 1)
#   --fixtures LIST  comma-separated: `single` (one maturin crate, gen-workspace.py --single)
#                    and workspace sizes for gen-workspace.py (default single,10,100,500)
#   --bin PATH       the cargo-pyrelease binary (default: build with `cargo build --release`)
#   --out DIR        hyperfine JSON, per-tool diffs and report.md (default <target>/bench-peers)
#
# Peers are looked up in <target>/tools/bin and <target>/tools/venv/bin, then on PATH. Every
# fixture (version 1.4.2) is a git repository with everything committed (cargo-release needs a
# clean git tree; the setup is not timed). Each tool works on its own copy, with its own config
# committed into that copy (knope.toml plus a .changeset/ file asking for a minor release;
# .bumpversion.toml naming Cargo.toml, crates/*/Cargo.toml, Cargo.lock, pyproject.toml and
# CHANGELOG.md). Commands, all through `env -C <copy>` so each runs in its own copy:
#   floor            cargo metadata --no-deps --format-version 1
#   cargo-pyrelease  cargo-pyrelease bump minor
#   cargo-release    cargo-release release version minor --execute --no-confirm --workspace
#   knope            knope prepare-release        (a workflow with one PrepareRelease step)
#   bump-my-version  bump-my-version bump minor   (no commit, no tag)
# Each tool first runs once untimed: a failure drops it from the timing and is reported with
# its message; otherwise `git status` against the committed pristine copy says what it changed,
# and `cargo metadata --locked --offline` says whether manifests and Cargo.lock still agree.
# Then one hyperfine run per fixture times every command that worked, each run preceded by a
# `--prepare` that restores the command's copy from its pristine copy (every run is 1.4.2 ->
# 1.5.0). Prints the timing table (mean, ratio to the floor) and the changes table, and writes
# both as Markdown to <out>/report.md.
# Exit status: 0 every tool ran on every fixture, 1 a tool was missing or failed (see the
# tables), 2 usage or setup error.
set -euo pipefail

die() {
    printf 'bench-peers: error: %s\n' "$*" >&2
    exit 2
}
note() {
    printf 'bench-peers: %s\n' "$*" >&2
}

install=0
runs=5
warmup=1
fixtures_arg="single,10,100,500"
bin=""
out=""
need_value() {
    [[ $2 -ge 2 ]] || die "$1 needs a value (see --help)"
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --install) install=1 ;;
        --runs)
            need_value "$1" $#
            runs=$2
            shift
            ;;
        --warmup)
            need_value "$1" $#
            warmup=$2
            shift
            ;;
        --fixtures)
            need_value "$1" $#
            fixtures_arg=$2
            shift
            ;;
        --bin)
            need_value "$1" $#
            bin=$2
            shift
            ;;
        --out)
            need_value "$1" $#
            out=$2
            shift
            ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *) die "unknown argument \`$1\` (see --help)" ;;
    esac
    shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, not \`$runs\`"
[[ $warmup =~ ^[0-9]+$ ]] || die "--warmup must be a non-negative integer, not \`$warmup\`"
IFS=, read -r -a fixtures <<<"$fixtures_arg"
[[ ${#fixtures[@]} -gt 0 ]] || die "--fixtures is empty"
for fx in "${fixtures[@]}"; do
    [[ $fx == single || $fx =~ ^[1-9][0-9]*$ ]] || die "unknown fixture \`$fx\` (single or a crate count)"
done

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
[[ -f $repo/Cargo.toml && -f $repo/scripts/gen-workspace.py ]] ||
    die "\`$repo\` does not look like the cargo-pyrelease repository"
for tool in python3 cargo git hyperfine; do
    command -v "$tool" >/dev/null || die "\`$tool\` is not on PATH"
done
env -C / true 2>/dev/null || die "this \`env\` has no -C (GNU coreutils >= 8.28 needed)"

target_dir=$(cd "$repo" && cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
tools=$target_dir/tools
venv=$tools/venv

# --- installing the peers ---------------------------------------------------------------------
# install_crate NAME: `cargo install --locked` into $tools; if the newest release wants a newer
# rustc, cargo names the newest one this toolchain supports: install that one instead.
install_crate() {
    local name=$1 log=$tools/install-$1.log older
    note "installing $name: nice cargo install --locked --root $tools $name (log: $log)"
    if nice cargo install --locked --root "$tools" "$name" >"$log" 2>&1; then
        return 0
    fi
    older=$(sed -n "s/^\`$name \([0-9][^\`]*\)\` supports rustc.*/\1/p" "$log" | head -n 1)
    if [[ -n $older ]]; then
        note "$name: the newest release needs a newer rustc; installing $name $older"
        nice cargo install --locked --root "$tools" "$name" --version "$older" >>"$log" 2>&1 && return 0
    fi
    tail -n 5 "$log" >&2
    die "could not install $name (see $log)"
}

if [[ $install -eq 1 ]]; then
    mkdir -p "$tools"
    install_crate cargo-release
    install_crate knope
    if [[ ! -x $venv/bin/python ]]; then
        note "creating $venv"
        python3 -m venv "$venv" || die "python3 -m venv $venv failed"
    fi
    note "installing bump-my-version: $venv/bin/python -m pip install bump-my-version"
    nice "$venv/bin/python" -m pip install --quiet --disable-pip-version-check bump-my-version >&2 ||
        die "pip could not install bump-my-version into $venv"
fi

# find_tool NAME: its path in $tools/bin, $venv/bin or on PATH, or nothing.
find_tool() {
    if [[ -x $tools/bin/$1 ]]; then
        printf '%s\n' "$tools/bin/$1"
    elif [[ -x $venv/bin/$1 ]]; then
        printf '%s\n' "$venv/bin/$1"
    else
        command -v "$1" || true
    fi
}
cargo_release=$(find_tool cargo-release)
knope=$(find_tool knope)
bmv=$(find_tool bump-my-version)

# --- cargo-pyrelease --------------------------------------------------------------------------
if [[ -z $bin ]]; then
    note "building: cargo build --release (in $repo)"
    (cd "$repo" && cargo build --release) >&2 || die "\`cargo build --release\` failed in $repo"
    bin=$target_dir/release/cargo-pyrelease
fi
[[ -x $bin ]] || die "no executable at \`$bin\`"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

out=${out:-$target_dir/bench-peers}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pyrelease-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" # hyperfine runs from here, never from inside a copy a --prepare deletes

shell_opt=()
if hyperfine --help 2>/dev/null | grep -q -- '--shell=none'; then
    shell_opt=(-N)
fi

# version_of PATH ARGS...: the first line the tool prints for its version.
version_of() {
    local v
    v=$("$@" 2>/dev/null | head -n 1) || true
    printf '%s' "${v:-unknown version}"
}
versions=$work/versions.tsv
{
    printf 'cargo-pyrelease\t%s\n' "$(version_of "$bin" --version)"
    printf 'cargo\t%s\n' "$(version_of cargo --version)"
    [[ -z $cargo_release ]] || printf 'cargo-release\t%s\n' "$(version_of "$cargo_release" release --version)"
    [[ -z $knope ]] || printf 'knope\t%s\n' "$(version_of "$knope" --version)"
    [[ -z $bmv ]] || printf 'bump-my-version\t%s\n' "$(version_of "$bmv" --version)"
    printf 'hyperfine\t%s\n' "$(version_of hyperfine --version)"
} >"$versions"

# quote WORDS...: one command line, each word shell-quoted (hyperfine -N splits it back).
quote() {
    local w line=""
    for w in "$@"; do line+="${line:+ }$(printf '%q' "$w")"; done
    printf '%s' "$line"
}

git_commit() {
    git -C "$1" -c user.name=bench -c user.email=bench@example.invalid -c commit.gpgsign=false \
        commit -q -m "$2"
}

# --- per-tool configuration, written into the tool's copy and committed -----------------------
write_knope_config() {
    local dir=$1
    # One package; its versioned files: the root Cargo.toml, pyproject.toml and the package's
    # own Cargo.lock entry. (Dependents' requirements would each need a `dependency = ...`
    # entry; a minimal config has none.) The workflow only prepares the release: no commit,
    # no tag, no push, no forge.
    cat >"$dir/knope.toml" <<'EOF'
[package]
versioned_files = ["Cargo.toml", "pyproject.toml", { path = "Cargo.lock", dependency = "gen-py" }]
changelog = "CHANGELOG.md"

[[workflows]]
name = "prepare-release"

[[workflows.steps]]
type = "PrepareRelease"
EOF
    # knope takes the release level from change files (or conventional commits): one asking
    # for a minor release of the (single, default-named) package.
    mkdir -p "$dir/.changeset"
    cat >"$dir/.changeset/benchmark_minor_release.md" <<'EOF'
---
default: minor
---

# Benchmark minor release
EOF
}

write_bmv_config() {
    local dir=$1
    {
        cat <<'EOF'
[tool.bumpversion]
current_version = "1.4.2"
commit = false
tag = false
allow_dirty = true
ignore_missing_version = true

# Every "1.4.2" in the manifests: package or [workspace.package] versions and requirements.
[[tool.bumpversion.files]]
filename = "Cargo.toml"
EOF
        if [[ -d $dir/crates ]]; then
            cat <<'EOF'

[[tool.bumpversion.files]]
glob = "crates/*/Cargo.toml"
EOF
        fi
        cat <<'EOF'

[[tool.bumpversion.files]]
filename = "Cargo.lock"
search = 'version = "{current_version}"'
replace = 'version = "{new_version}"'

[[tool.bumpversion.files]]
filename = "pyproject.toml"
search = 'version = "{current_version}"'
replace = 'version = "{new_version}"'

[[tool.bumpversion.files]]
filename = "CHANGELOG.md"
search = "## [Unreleased]"
replace = "## [Unreleased]\n\n## [{new_version}] - {utcnow:%Y-%m-%d}"
EOF
    } >"$dir/.bumpversion.toml"
}

# --- fixtures ---------------------------------------------------------------------------------
timings=$work/timings.tsv # fixture, json, labels joined by '|'
changes=$work/changes.tsv # fixture, tool, status, changed files, consistent, details
: >"$timings"
: >"$changes"
failures=0

# record_changes FIXTURE LABEL DIR PRISTINE_HEAD: one line of $changes: what `git status` says changed against
# the committed pristine copy, grouped, and whether `cargo metadata --locked --offline` resolves.
record_changes() {
    local fx=$1 label=$2 dir=$3
    local status_lines consistent=yes stale commits
    status_lines=$(git -C "$dir" status --porcelain --untracked-files=all)
    if ! cargo metadata --locked --offline --format-version 1 --manifest-path "$dir/Cargo.toml" \
        >/dev/null 2>"$work/metadata.err"; then
        consistent="no: $(grep -m 1 -i 'error' "$work/metadata.err" | cut -c 1-160)"
    fi
    # "1.4.2" left in any Cargo.toml: a requirement (or version) the tool did not move.
    stale=$(cd "$dir" && { git ls-files -z -- 'Cargo.toml' '*/Cargo.toml' |
        xargs -0 grep -l '1\.4\.2' 2>/dev/null || true; } | wc -l)
    # commits and tags the tool made ($4: the pristine copy's HEAD)
    commits="$(git -C "$dir" rev-list --count "$4..HEAD") commits, $(git -C "$dir" tag | wc -l) tags"
    printf '%s\n' "$status_lines" >"$work/status.txt"
    python3 - "$fx" "$label" "$consistent" "$stale" "$commits" "$dir" "$work/status.txt" >>"$changes" <<'PY'
import sys

fx, label, consistent, stale, commits, d, status = sys.argv[1:8]
with open(status, encoding="utf-8") as f:
    lines = [l for l in f.read().splitlines() if l.strip()]
paths = {}
for l in lines:
    code, path = l[:2].strip(), l[3:]
    paths[path] = code
def has(p):
    return p in paths
def version_in(p, text):
    try:
        with open(f"{d}/{p}", encoding="utf-8") as f:
            return text in f.read()
    except OSError:
        return False
def changelog():
    with open(f"{d}/CHANGELOG.md", encoding="utf-8") as f:
        heads = [l for l in f.read().splitlines() if l.startswith("#")]
    new = next((i for i, h in enumerate(heads) if "1.5.0" in h), None)
    old = next((i for i, h in enumerate(heads) if "1.4.2" in h), None)
    if new is None:
        return "edited, no 1.5.0 heading"
    if old is not None and new > old:
        return "1.5.0 heading below 1.4.2's"
    return "yes"
members = sorted(p for p in paths if p.endswith("/Cargo.toml"))
other = sorted(p for p in paths if p not in {"Cargo.toml", "Cargo.lock", "pyproject.toml",
                                             "CHANGELOG.md", "uv.lock"} and p not in members)
cols = {
    "Cargo.toml": "yes" if has("Cargo.toml") else "no",
    "member manifests": str(len(members)),
    "Cargo.lock": "yes" if has("Cargo.lock") else "no",
    "pyproject.toml": ("yes" if version_in("pyproject.toml", 'version = "1.5.0"') else "edited, no 1.5.0")
    if has("pyproject.toml") else "no",
    "CHANGELOG.md": changelog() if has("CHANGELOG.md") else "no",
    "other": ", ".join(f"{paths[p]} {p}" for p in other) or "-",
    "manifests still naming 1.4.2": stale,
    "lock consistent": consistent,
    "git": "none" if commits == "0 commits, 0 tags" else commits,
}
print("\t".join([fx, label, "ok"] + [f"{k}={v}" for k, v in cols.items()]))
PY
}

# restore_script NAME DIR PRISTINE: a script restoring DIR from PRISTINE; prints its path.
restore_script() {
    local path=$work/$1.restore.sh
    printf 'rm -rf %q && cp -a %q %q\n' "$2" "$3" "$2" >"$path"
    printf '%s' "$path"
}

for fx in "${fixtures[@]}"; do
    base=$work/$fx.base
    if [[ $fx == single ]]; then
        note "generating the single-crate fixture"
        python3 "$repo/scripts/gen-workspace.py" --single "$base" || die "gen-workspace.py --single failed"
    else
        note "generating a workspace of $fx crates"
        python3 "$repo/scripts/gen-workspace.py" "$fx" "$base" || die "gen-workspace.py $fx failed"
    fi
    git -C "$base" init -q
    git -C "$base" add -A
    git_commit "$base" "fixture $fx"

    labels=()
    cmds=()
    preps=()
    # add_tool LABEL CONFIG -- PROGRAM ARGS...: a pristine copy with CONFIG's files committed,
    # a working copy, one untimed run to see whether it works and what it changes.
    add_tool() {
        local label=$1 config=$2
        shift 3
        local slug=${label//[^A-Za-z0-9]/_}
        local pristine=$work/$fx.$slug.pristine dir=$work/$fx.$slug restore err status=0
        cp -a "$base" "$pristine"
        if [[ -n $config ]]; then
            case $config in
                knope) write_knope_config "$pristine" ;;
                bump-my-version) write_bmv_config "$pristine" ;;
                *) die "no configuration writer for \`$config\`" ;;
            esac
            git -C "$pristine" add -A
            git_commit "$pristine" "$label configuration"
        fi
        restore=$(restore_script "$fx.$slug" "$dir" "$pristine")
        bash "$restore"
        local cmd=(env -C "$dir" "$@")
        note "$fx: $label: $(quote "${@}")"
        err=$("${cmd[@]}" 2>&1 >"$work/preflight.out") || status=$?
        if [[ $label == floor ]]; then
            [[ $status -eq 0 ]] || die "the floor failed on $fx: $err"
        else
            mkdir -p "$out/changes"
            git -C "$dir" diff HEAD --stat >"$out/changes/$fx.$slug.stat" || true
            git -C "$dir" diff HEAD >"$out/changes/$fx.$slug.diff" || true
            if [[ $status -ne 0 ]]; then
                failures=$((failures + 1))
                local msg
                msg=$(printf '%s\n' "$err" | grep -v '^[[:space:]]*$' | grep -m 1 -i -E 'error|fail|panic' ||
                    printf '%s\n' "$err" | grep -v '^[[:space:]]*$' | tail -n 1)
                msg=$(printf '%s' "$msg" | tr '\t' ' ' | cut -c 1-240)
                printf '%s\t%s\tfailed (exit %s): %s\n' "$fx" "$label" "$status" "$msg" >>"$changes"
                note "$fx: $label failed (exit $status); not timed. Its output:"
                printf '%s\n' "$err" | tail -n 15 | sed 's/^/    /' >&2
                return 0
            fi
            record_changes "$fx" "$label" "$dir" "$(git -C "$pristine" rev-parse HEAD)"
        fi
        labels+=("$label")
        cmds+=("$(quote "${cmd[@]}")")
        preps+=("$(quote bash "$restore")")
    }

    add_tool floor "" -- cargo metadata --no-deps --format-version 1 --manifest-path Cargo.toml
    add_tool cargo-pyrelease "" -- "$bin" bump minor --manifest-path Cargo.toml
    for peer in cargo-release knope bump-my-version; do
        case $peer in
            cargo-release) exe=$cargo_release ;;
            knope) exe=$knope ;;
            bump-my-version) exe=$bmv ;;
        esac
        if [[ -z $exe ]]; then
            failures=$((failures + 1))
            printf '%s\t%s\tnot installed (run with --install)\n' "$fx" "$peer" >>"$changes"
            continue
        fi
        case $peer in
            cargo-release)
                add_tool cargo-release "" -- "$exe" release version minor --execute --no-confirm \
                    --workspace --manifest-path Cargo.toml
                ;;
            knope) add_tool knope knope -- "$exe" prepare-release ;;
            bump-my-version) add_tool bump-my-version bump-my-version -- "$exe" bump minor ;;
        esac
    done

    # One hyperfine run for the fixture; hyperfine takes one --prepare per command, in order.
    args=()
    for i in "${!labels[@]}"; do
        args+=(--prepare "${preps[$i]}")
    done
    for i in "${!labels[@]}"; do
        args+=(-n "${labels[$i]}" "${cmds[$i]}")
    done
    json=$out/$fx.json
    note "$fx: hyperfine, $runs runs after $warmup warm-up: ${labels[*]}"
    hyperfine "${shell_opt[@]}" --warmup "$warmup" --runs "$runs" --export-json "$json" "${args[@]}" >&2 ||
        die "hyperfine failed on $fx"
    joined=$(printf '%s|' "${labels[@]}")
    printf '%s\t%s\t%s\n' "$fx" "$json" "${joined%|}" >>"$timings"
    rm -rf "$work/$fx".*
done

# --- report -----------------------------------------------------------------------------------
python3 - "$timings" "$changes" "$versions" "$out/report.md" <<'PY'
import json
import sys

timings, changes, versions, report = sys.argv[1:5]


def rows_of(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]


def fixture_name(fx):
    return "single crate" if fx == "single" else f"{fx}-crate workspace"


def text_table(head, rows):
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in [head] + rows)


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


time_rows = []
for fx, path, labels in rows_of(timings):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)["results"]
    floor = results[0]["mean"]
    for label, r in zip(labels.split("|"), results):
        sd = f"{r['stddev'] * 1000:.1f}" if r.get("stddev") is not None else "n/a (1 run)"
        time_rows.append([fixture_name(fx), label, f"{r['mean'] * 1000:.1f} ± {sd}",
                          f"{r['min'] * 1000:.1f}", f"{r['mean'] / floor:.2f}"])
failed_rows = [[fixture_name(r[0]), r[1], "-", "-", r[2]] for r in rows_of(changes) if r[2] != "ok"]
time_head = ["fixture", "command", "mean ms ± σ", "min ms", "x floor"]

change_head = ["fixture", "tool", "Cargo.toml", "member manifests", "Cargo.lock", "pyproject.toml",
               "CHANGELOG.md", "other", "manifests still naming 1.4.2", "lock consistent", "git"]
change_rows = []
for r in rows_of(changes):
    if r[2] != "ok":
        change_rows.append([fixture_name(r[0]), r[1], r[2]] + [""] * (len(change_head) - 3))
        continue
    cols = dict(kv.split("=", 1) for kv in r[3:])
    change_rows.append([fixture_name(r[0]), r[1]] + [cols[k] for k in change_head[2:]])

vers = rows_of(versions)
print()
print(text_table(time_head, time_rows + failed_rows))
print()
print(text_table(change_head, change_rows))
print()
print(text_table(["tool", "version"], vers))

with open(report, "w", encoding="utf-8") as f:
    f.write("### Mean time of one minor bump (1.4.2 -> 1.5.0)\n\n")
    f.write(md_table(time_head, time_rows + failed_rows) + "\n\n")
    f.write("### What each tool changed (`git status` after one run, against the pristine copy)\n\n")
    f.write(md_table(change_head, change_rows) + "\n\n")
    f.write("### Versions\n\n")
    f.write(md_table(["tool", "version"], vers) + "\n")
print(f"\nreport: {report}")
PY
if [[ $failures -gt 0 ]]; then
    note "$failures tool run(s) missing or failed; see the tables"
    exit 1
fi
exit 0
