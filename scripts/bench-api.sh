#!/usr/bin/env bash
# The cost of verify's Python API comparison on testdata/e2e, as a ratio against a plain
# `maturin build` of the same project in the same run.
#
# usage: scripts/bench-api.sh [--runs N]     (default 3; the median is reported)
#
# Set-up: a copy of the fixture at 0.2.0 is built and uploaded to a pypiserver on 127.0.0.1
# (the baseline), then moved to 0.2.1. Each run then measures, warm (dependencies compiled):
#   build   `maturin build --out DIR` after touching src/lib.rs (what any release pays)
#   api     `verify` with the Python comparison minus `verify --offline` (the same checks
#           without registries), after the same touch: the comparison's build, the two uv
#           installs into fresh environments and one import + introspection each
# The crates index is pointed at the Python index (where every crate is "not published"), so
# no crate comparison runs and cargo-semver-checks plays no part.
# Target: api / build <= 2 (the comparison adds two installs and two imports to one build).
# Exit 0 when met, 1 when not, 2 on a setup error.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    *) echo "bench-api: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
cd "$repo"
source scripts/tools.sh
cargo build --locked --quiet
bin="$repo/target/debug/cargo-pyrelease"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_http() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
now() { python3 -c 'import time;print(time.monotonic())'; }

mkdir -p "$work/pkgs"
port=$(free_port)
pypi-server run -i 127.0.0.1 -p "$port" -a . -P . --disable-fallback "$work/pkgs" >"$work/pypi.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$port/health" || { echo "bench-api: pypiserver did not start" >&2; exit 2; }
# The tests' shared target folder: pyo3 is compiled there already.
export CARGO_TARGET_DIR="$repo/target/tmp/e2e-target" UV_CACHE_DIR="$repo/target/tools/uv-cache"
# The fixture's crates name the registry `local`; cargo wants it defined, never asks it here.
export CARGO_REGISTRIES_LOCAL_INDEX="sparse+http://127.0.0.1:$port/"
export CARGO_PYRELEASE_PYPI_SIMPLE="http://127.0.0.1:$port/simple/"
export CARGO_PYRELEASE_CRATES_INDEX="http://127.0.0.1:$port/"
unset PIP_FIND_LINKS GITHUB_REF_TYPE GITHUB_REF_NAME

cp -r testdata/e2e "$work/e2e"
cd "$work/e2e"
git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm init
(cd py && maturin build --quiet --out "$work/dist" >"$work/build.log" 2>&1) \
  || { echo "bench-api: maturin build failed:" >&2; cat "$work/build.log" >&2; exit 2; }
uv publish --quiet --publish-url "http://127.0.0.1:$port/" -u x -p x "$work/dist"/*.whl
sed -i 's/^version = "0.2.0"/version = "0.2.1"/' Cargo.toml
sed -i 's/version = "0.2.0", registry/version = "0.2.1", registry/' py/Cargo.toml
git -c user.name=b -c user.email=b@b commit -qam "0.2.1"
"$bin" verify --offline >/dev/null 2>&1 || true   # warm: cargo metadata, Cargo.lock

touch_src() { printf '\n' >> py/src/lib.rs; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
build_times=() api_times=()
for _ in $(seq 1 "$runs"); do
  touch_src; t0=$(now)
  (cd py && maturin build --quiet --out "$work/out" >/dev/null 2>&1)
  t1=$(now); build_times+=("$(echo "$t1 - $t0" | bc -l)")
  touch_src; t0=$(now)
  "$bin" verify --offline >/dev/null 2>&1 || true
  t1=$(now)
  touch_src
  "$bin" verify >"$work/verify.out" 2>&1 || true
  t2=$(now)
  grep -q "Comparing the Python API" "$work/verify.out" \
    || { echo "bench-api: verify ran no Python comparison:" >&2; cat "$work/verify.out" >&2; exit 2; }
  api_times+=("$(echo "($t2 - $t1) - ($t1 - $t0)" | bc -l)")
done
build=$(printf '%s\n' "${build_times[@]}" | median)
api=$(printf '%s\n' "${api_times[@]}" | median)
ratio=$(echo "$api / $build" | bc -l)
printf 'maturin build       %6.2f s (median of %d)\n' "$build" "$runs"
printf 'python API compare  %6.2f s (median of %d)\n' "$api" "$runs"
printf 'ratio               %6.2f (target <= 2)\n' "$ratio"
if (( $(echo "$ratio <= 2" | bc -l) )); then echo PASS; else echo FAIL; exit 1; fi
