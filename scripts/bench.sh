#!/usr/bin/env bash
# Benchmark cargo-pyrelease against its floor, `cargo metadata --no-deps`.
#
# usage: scripts/bench.sh [--quick] [--rounds N] [--bin PATH] [--out DIR]
#
#   --quick     3 rounds of 5 runs per command, generated workspaces of 10, 50 and 500
#               crates only (default: 5 rounds of 10 runs, 10, 50, 100 and 500 crates)
#   --rounds N  rounds per fixture (see below)
#   --bin PATH  benchmark this cargo-pyrelease binary instead of building one
#   --out DIR   where hyperfine's JSON exports go (default: <target dir>/bench)
#
# Builds `cargo build --release` once in the repository holding this script, then runs
# hyperfine (`--warmup 3 --export-json`) on each fixture once per round:
#   - a copy of testdata/shape1-dynamic: the floor, `status`, `sync --check`, `verify --offline`;
#   - workspaces made by scripts/gen-workspace.py: the floor, `bump minor --dry-run
#     --allow-dirty` and a real `bump minor --allow-dirty`, every run (the floor too)
#     preceded by a `--prepare` that restores the workspace (`git reset --hard`, or a
#     fresh copy without git) and `sync`s, so no run pays for flushing the restore.
# A command the binary does not know (checked with `cargo-pyrelease help <cmd>`) is skipped.
# Each round gives each command's mean and its ratio to the floor of that round; the report
# shows the median over rounds. A shared machine drifts between fast and slow phases that
# outlast one command's runs: a ratio taken within a round, and the median of rounds, keeps a
# phase from landing on one command only.
# Prints mean times, the ratio to the floor, and PASS/FAIL against the targets:
#   status, sync --check, verify --offline  <= 1.3 x floor
#   bump at 500 crates                      <= 1.5 x floor
#   bump mean at 500 crates / at 50 crates  <= 12
# Exit status: 0 all evaluated targets pass, 1 a target failed, 2 usage or setup error.
set -euo pipefail

die() {
    printf 'bench: error: %s\n' "$*" >&2
    exit 2
}
note() {
    printf 'bench: %s\n' "$*" >&2
}

quick=0
bin=""
out=""
want_rounds=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1 ;;
        --rounds)
            [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "--rounds needs a positive number"
            want_rounds=$2
            shift
            ;;
        --bin)
            [[ $# -ge 2 ]] || die "--bin needs a path"
            bin=$2
            shift
            ;;
        --out)
            [[ $# -ge 2 ]] || die "--out needs a directory"
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

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
[[ -f $repo/Cargo.toml && -d $repo/testdata/shape1-dynamic ]] ||
    die "\`$repo\` does not look like the cargo-pyrelease repository (no Cargo.toml or testdata/shape1-dynamic)"
command -v python3 >/dev/null || die "python3 is needed to read hyperfine's JSON"
command -v cargo >/dev/null || die "cargo is not on PATH"

if [[ $quick -eq 1 ]]; then
    sizes=(10 50 500)
    runs=(--runs 5)
    rounds=3
else
    sizes=(10 50 100 500)
    runs=(--runs 10)
    rounds=5
fi
[[ -z $want_rounds ]] || rounds=$want_rounds

# --- hyperfine --------------------------------------------------------------------------------
if ! command -v hyperfine >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        note "hyperfine not found: installing it with \`apt-get install -y hyperfine\`"
        apt-get install -y hyperfine >&2 || { apt-get update >&2 && apt-get install -y hyperfine >&2; } ||
            note "apt-get could not install hyperfine"
    fi
    if ! command -v hyperfine >/dev/null; then
        note "hyperfine not found: installing it with \`cargo install --locked hyperfine\`"
        cargo install --locked hyperfine >&2 || die "could not install hyperfine; install it and re-run"
        PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
        command -v hyperfine >/dev/null || die "hyperfine installed but not on PATH; add \`${CARGO_HOME:-$HOME/.cargo}/bin\` to PATH"
    fi
fi
# --shell=none (-N, hyperfine >= 1.13) keeps shell start-up out of short measurements.
shell_opt=()
if hyperfine --help 2>/dev/null | grep -q -- '--shell=none'; then
    shell_opt=(-N)
fi

# --- the binary -------------------------------------------------------------------------------
target_dir=$(cd "$repo" && cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
if [[ -z $bin ]]; then
    note "building: cargo build --release (in $repo)"
    (cd "$repo" && cargo build --release) >&2 || die "\`cargo build --release\` failed in $repo"
    bin=$target_dir/release/cargo-pyrelease
fi
[[ -x $bin ]] || die "no executable at \`$bin\`"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=${out:-$target_dir/bench}
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/pyrelease-bench.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
cd "$work" # hyperfine runs from here: never from inside a directory a --prepare deletes

manifest=$work/manifest.tsv # group, jsons joined by ',', ignore-failure flag, labels joined by '|'
skipped=$work/skipped.tsv   # group, label, reason
: >"$manifest"
: >"$skipped"

# quote WORDS...: one command line, each word shell-quoted (hyperfine -N splits it back).
quote() {
    local w line=""
    for w in "$@"; do line+="${line:+ }$(printf '%q' "$w")"; done
    printf '%s' "$line"
}

# git_snapshot DIR: commit DIR's files, so git-state checks see a clean, realistic repository.
git_snapshot() {
    command -v git >/dev/null || return 0
    git -C "$1" init -q
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@example.invalid -c commit.gpgsign=false \
        commit -q -m "bench fixture"
}

# supports CMD [FLAG...]: `cargo-pyrelease help CMD` succeeds, says something, and mentions FLAGs.
supports() {
    local help flag
    help=$("$bin" help "$1" 2>&1) || return 1
    [[ -n $help ]] || return 1
    for flag in "${@:2}"; do
        grep -q -- "$flag" <<<"$help" || return 1
    done
}

# bench GROUP PREPARE LABEL1 CMD1 LABEL2 CMD2 ...: one hyperfine invocation, first pair = floor.
# Each CMD is a quoted command line. PREPARE is a command line or "".
# Commands that exit 1 (a finding, a failed check) are timed with --ignore-failure.
bench() {
    local group=$1 prepare=$2
    shift 2
    local args=() labels=() ignore=0
    local json
    while [[ $# -gt 0 ]]; do
        labels+=("$1")
        args+=(-n "$1" "$2")
        shift 2
    done
    if [[ -n $prepare ]]; then
        args=(--prepare "$prepare" "${args[@]}")
    fi
    if [[ -f $work/$group.ignore ]]; then
        ignore=1
        args=(--ignore-failure "${args[@]}")
    fi
    local jsons=() round
    for ((round = 1; round <= rounds; round++)); do
        note "benchmarking $group, round $round of $rounds: ${labels[*]}"
        json=$out/$group.round$round.json
        hyperfine "${shell_opt[@]}" --warmup 3 "${runs[@]}" --export-json "$json" "${args[@]}" >&2
        jsons+=("$json")
    done
    local joined all
    joined=$(printf '%s|' "${labels[@]}")
    all=$(printf '%s,' "${jsons[@]}")
    printf '%s\t%s\t%s\t%s\n' "$group" "${all%,}" "$ignore" "${joined%|}" >>"$manifest"
}

# preflight GROUP LABEL DIR [RESTORE] -- WORDS...: run once; 0 ok, 1 ok but timed with
# --ignore-failure, anything else: skip the command (returns 1).
preflight() {
    local group=$1 label=$2 dir=$3 restore=$4
    shift 5
    local status=0 err
    err=$("$@" 2>&1 >/dev/null) || status=$?
    [[ -z $restore ]] || bash "$restore"
    case $status in
        0) return 0 ;;
        1)
            note "$group: \`$label\` exits 1 on this project (findings or a failed check); timing it anyway"
            : >"$work/$group.ignore"
            return 0
            ;;
        *)
            printf '%s\t%s\t%s\n' "$group" "$label" "exit $status: $(head -c 200 <<<"$err" | tr '\n\t' '  ')" >>"$skipped"
            note "$group: skipping \`$label\` (exit $status on $dir)"
            return 1
            ;;
    esac
}

# --- shape1-dynamic: read-only commands ------------------------------------------------------
fixture=$work/shape1-dynamic
cp -a "$repo/testdata/shape1-dynamic" "$fixture"
rm -rf "$fixture/target"
git_snapshot "$fixture"
mp=$fixture/Cargo.toml
pairs=("floor: cargo metadata" "$(quote cargo metadata --no-deps --format-version 1 --manifest-path "$mp")")
for spec in "status" "sync --check" "verify --offline"; do
    read -r -a words <<<"$spec"
    if ! supports "${words[@]}"; then
        printf '%s\t%s\t%s\n' shape1-dynamic "$spec" "not supported by this binary (cargo-pyrelease help ${words[0]})" >>"$skipped"
        note "shape1-dynamic: skipping \`$spec\`: \`cargo-pyrelease help ${words[0]}\` does not offer it"
        continue
    fi
    cmd=("$bin" "${words[@]}" --manifest-path "$mp")
    preflight shape1-dynamic "$spec" "$fixture" "" -- "${cmd[@]}" || continue
    pairs+=("$spec" "$(quote "${cmd[@]}")")
done
if [[ ${#pairs[@]} -gt 2 ]]; then
    bench shape1-dynamic "" "${pairs[@]}"
else
    note "shape1-dynamic: no cargo-pyrelease command to compare with the floor"
fi

# --- generated workspaces: bump ---------------------------------------------------------------
bump_specs=()
supports bump --dry-run --allow-dirty && bump_specs+=("bump minor --dry-run --allow-dirty")
supports bump --allow-dirty && bump_specs+=("bump minor --allow-dirty")
if [[ ${#bump_specs[@]} -eq 0 ]]; then
    for n in "${sizes[@]}"; do
        printf '%s\t%s\t%s\n' "gen-$n" "bump minor" "not supported by this binary (cargo-pyrelease help bump)" >>"$skipped"
    done
    note "skipping the generated workspaces: \`cargo-pyrelease help bump\` does not offer \`bump --allow-dirty\`"
else
    for n in "${sizes[@]}"; do
        group=gen-$n
        pristine=$work/$group.pristine
        ws=$work/$group
        note "generating a workspace of $n crates"
        python3 "$repo/scripts/gen-workspace.py" "$n" "$pristine" || die "gen-workspace.py $n failed"
        git_snapshot "$pristine"
        restore=$work/$group.restore.sh
        # `sync`: what the restore wrote is flushed before the clock starts, so a
        # command that fsyncs (a real bump) pays for its own writes only.
        if [[ -d $pristine/.git ]]; then
            # A maintainer's repository has a fresh index: `git reset --hard` puts back
            # only what a run changed and keeps it so, where a fresh copy would make
            # every `git status` (bump's dirty check) re-read every file.
            cp -a "$pristine" "$ws"
            printf 'git -C %q reset -q --hard && git -C %q clean -qfdx && sync\n' "$ws" "$ws" >"$restore"
        else
            printf 'rm -rf %q && cp -a %q %q && sync\n' "$ws" "$pristine" "$ws" >"$restore"
        fi
        bash "$restore"
        mp=$ws/Cargo.toml
        pairs=("floor: cargo metadata" "$(quote cargo metadata --no-deps --format-version 1 --manifest-path "$mp")")
        for spec in "${bump_specs[@]}"; do
            read -r -a words <<<"$spec"
            cmd=("$bin" "${words[@]}" --manifest-path "$mp")
            preflight "$group" "$spec" "$ws" "$restore" -- "${cmd[@]}" || continue
            pairs+=("$spec" "$(quote "${cmd[@]}")")
        done
        if [[ ${#pairs[@]} -gt 2 ]]; then
            bench "$group" "$(quote bash "$restore")" "${pairs[@]}"
        fi
    done
fi

# --- report -----------------------------------------------------------------------------------
python3 - "$manifest" "$skipped" <<'PY'
import json
import statistics
import sys

manifest, skipped = sys.argv[1], sys.argv[2]
READ_ONLY_TARGET = 1.3   # status, sync --check, verify --offline vs floor
BUMP_500_TARGET = 1.5    # bump at 500 crates vs floor
SCALING_TARGET = 12.0    # bump mean at 500 / at 50

rows, failed, evaluated = [], 0, 0
bump_means = {}  # label -> {size: mean seconds}


def verdict(value, limit):
    global failed, evaluated
    evaluated += 1
    ok = value <= limit
    failed += not ok
    return f"<= {limit:g}", "PASS" if ok else "FAIL"


with open(manifest, encoding="utf-8") as f:
    entries = [line.rstrip("\n").split("\t") for line in f if line.strip()]
for group, paths, ignore, labels in entries:
    labels = labels.split("|")
    rounds = []
    for path in paths.split(","):
        with open(path, encoding="utf-8") as f:
            rounds.append(json.load(f)["results"])
    for i, label in enumerate(labels):
        # Each round's ratio is to the floor of the same round; the median of rounds
        # is reported (and the median of the round means, with their spread).
        ratio = statistics.median(rs[i]["mean"] / rs[0]["mean"] for rs in rounds)
        means = [rs[i]["mean"] for rs in rounds]
        r = {
            "mean": statistics.median(means),
            "spread": (max(means) - min(means)) / 2,
            "exit_codes": [c for rs in rounds for c in rs[i].get("exit_codes", [])],
        }
        target, result = "", ""
        if group == "shape1-dynamic" and i > 0:
            target, result = verdict(ratio, READ_ONLY_TARGET)
        elif group.startswith("gen-") and label.startswith("bump"):
            size = int(group.split("-", 1)[1])
            bump_means.setdefault(label, {})[size] = r["mean"]
            if size == 500:
                target, result = verdict(ratio, BUMP_500_TARGET)
        exits = sorted({c for c in r.get("exit_codes", []) if c})
        if exits:
            label += f" (exit {','.join(map(str, exits))})"
        rows.append((group, label, f"{r['mean'] * 1000:.1f} ± {r['spread'] * 1000:.1f}",
                     f"{ratio:.2f}", target, result))

with open(skipped, encoding="utf-8") as f:
    for line in f:
        if line.strip():
            group, label, reason = line.rstrip("\n").split("\t")
            rows.append((group, label, "-", "-", "", f"SKIP: {reason}"))

head = ("fixture", "command", "mean ms", "x floor", "target", "result")
widths = [max(len(str(row[i])) for row in rows + [head]) for i in range(len(head) - 1)]
print()
for row in [head] + rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])

print(f"\nmean ms: the median of {len(rounds)} round means, ± half their range; "
      "x floor: the median of the rounds' ratios to their own floor")
print()
any_scaling = False
for label, means in bump_means.items():
    if 500 in means and 50 in means:
        any_scaling = True
        ratio = means[500] / means[50]
        target, result = verdict(ratio, SCALING_TARGET)
        print(f"scaling  `{label}`: mean at 500 crates / at 50 crates = "
              f"{means[500] * 1000:.1f} / {means[50] * 1000:.1f} ms = {ratio:.2f}  (target {target})  {result}")
if not any_scaling:
    print("scaling  bump 500/50: not measured")

print()
if evaluated == 0:
    print("no target evaluated (every cargo-pyrelease command was skipped)")
else:
    print(f"{evaluated - failed} of {evaluated} targets met")
sys.exit(1 if failed else 0)
PY
