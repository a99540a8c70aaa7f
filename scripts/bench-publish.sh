#!/usr/bin/env bash
# Benchmark `cargo pyrelease publish` against the naive release sequence, on testdata/e2e
# (two crates and a pyo3 package), to real local registries (estuary and pypiserver on
# 127.0.0.1, fresh for every measurement), from the same clean state: no build output.
#
# usage: scripts/bench-publish.sh [--runs N] [--warm]
#
#   --runs N  measurements of each side (default 1; each takes a minute or two)
#   --warm    start each measurement with the dependencies compiled (a developer's
#             machine); default: cold, every measurement starts without build output
#
# The naive sequence, as release scripts and READMEs write it:
#   cargo publish --dry-run --workspace; maturin build --release; cargo publish --workspace;
#   maturin publish (which builds the sdist and, from it, the wheel again)
# cargo-pyrelease: `publish --yes --no-gates --no-tag --no-github-release` (gates off: the
# naive sequence runs no tests either).
# Target: pyrelease / naive <= 0.6. Exit 0 when met, 1 when not, 2 on a setup error.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs=1
warm=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --warm) warm=1 ;;
    *) echo "bench-publish: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
cd "$repo"
source scripts/tools.sh
cargo build --release --locked --quiet
bin="$repo/target/release/cargo-pyrelease"
work="$(mktemp -d)"
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; pids=(); }
trap 'stop; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_http() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

# Fresh registries and a fresh copy of the fixture; sets $PYPI and exports the index.
fresh() {
  stop
  rm -rf "$work/run"
  mkdir -p "$work/run/pkgs"
  local pp rp
  pp=$(free_port); rp=$(free_port)
  pypi-server run -i 127.0.0.1 -p "$pp" -a . -P . --disable-fallback "$work/run/pkgs" >"$work/run/pypi.log" 2>&1 &
  pids+=($!)
  estuary --base-url "http://127.0.0.1:$rp" --crate-dir "$work/run/c" --index-dir "$work/run/i" \
    --http-host 127.0.0.1 --http-port "$rp" >"$work/run/est.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$pp/health"
  wait_http "http://127.0.0.1:$rp/git/index/info/refs?service=git-upload-pack"
  PYPI="http://127.0.0.1:$pp"
  export CARGO_REGISTRIES_LOCAL_INDEX="http://127.0.0.1:$rp/git/index" CARGO_REGISTRIES_LOCAL_TOKEN=bench UV_PUBLISH_TOKEN=bench
  cp -r "$repo/testdata/e2e" "$work/run/e2e"
  (cd "$work/run/e2e" && git init -q -b main && git add -A &&
    git -c user.name=b -c user.email=b@example.invalid commit -qm bench)
  if [[ $warm -eq 1 && -d "$work/target" ]]; then cp -r "$work/target" "$work/run/e2e/target"; fi
}
# Each side builds in the project's own target/, as a user's release does: maturin
# publish then builds its wheel from the sdist in a temporary folder, as it does for them.
unset CARGO_TARGET_DIR PIP_FIND_LINKS
export UV_CACHE_DIR="$work/uv-cache"

naive() {
  cd "$work/run/e2e"
  cargo publish --quiet --dry-run --workspace --registry local
  (cd py && maturin build --quiet --release)
  cargo publish --quiet --workspace --registry local
  (cd py && maturin publish --quiet --skip-existing --repository-url "$PYPI/" -u x -p x 2>/dev/null)
}
ours() {
  cd "$work/run/e2e"
  "$bin" pyrelease publish -q --yes --no-gates --no-tag --no-github-release \
    --index-url "$PYPI/simple/" --publish-url "$PYPI/"
}
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; echo "bench-publish: $1 failed" >&2; exit 2; }
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}

if [[ $warm -eq 1 ]]; then
  # One unmeasured release seeds the build output every measurement starts from.
  fresh; timed naive >/dev/null
  cp -r "$work/run/e2e/target" "$work/target"
fi
naive_times=(); ours_times=()
for i in $(seq 1 "$runs"); do
  fresh; naive_times+=("$(timed naive)")
  fresh; ours_times+=("$(timed ours)")
  echo "bench-publish: run $i: naive ${naive_times[-1]} s, cargo-pyrelease ${ours_times[-1]} s" >&2
done
python3 - "${naive_times[*]}" "${ours_times[*]}" "$warm" <<'PY'
import statistics, sys
naive = [float(x) for x in sys.argv[1].split()]
ours = [float(x) for x in sys.argv[2].split()]
state = "warm dependencies" if sys.argv[3] == "1" else "cold (no build output)"
ratio = statistics.mean(ours) / statistics.mean(naive)
print(f"publish of testdata/e2e, {state}, {len(naive)} run(s) each")
print(f"  naive sequence    {statistics.mean(naive):6.1f} s")
print(f"  cargo-pyrelease   {statistics.mean(ours):6.1f} s")
print(f"  ratio             {ratio:6.2f}x  (target <= 0.6x): {'PASS' if ratio <= 0.6 else 'FAIL'}")
sys.exit(0 if ratio <= 0.6 else 1)
PY
