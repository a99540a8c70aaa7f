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
# Target: pyrelease / naive <= 0.6.
#
# Then the resume, once per run: a release stopped after the crates are out (the Python
# index refuses the first upload: a stand-in on the index's port that answers every look-up
# "not there" and every upload 403), then pypiserver on that port and the plain re-run of the
# same command, which must finish it (exit 0) without building anything again (no maturin,
# no `cargo package` or `cargo build`, no compile in its `-v` output). Its time is printed.
# Exit 0 when the target is met and every re-run resumed, 1 when not, 2 on a setup error.
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

start_pypi() {
  pypi-server run -i 127.0.0.1 -p "$1" -a . -P . --disable-fallback "$work/run/pkgs" >"$work/run/pypi.log" 2>&1 &
  pids+=($!)
}
# A Python index that has nothing and refuses every upload (403), on port $1.
start_refusing_pypi() {
  python3 - "$1" >"$work/run/refusing.log" 2>&1 <<'PY' &
import http.server, sys
class Refusing(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(403)
        self.end_headers()
        self.wfile.write(b"uploads refused by bench-publish")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Refusing).serve_forever()
PY
  refusing=$!
  pids+=($refusing)
}
# Fresh registries and a fresh copy of the fixture; sets $PYPI and exports the index.
# `fresh refusing`: the Python index refuses uploads until `heal_pypi`.
fresh() {
  stop
  rm -rf "$work/run"
  mkdir -p "$work/run/pkgs"
  local rp
  pp=$(free_port); rp=$(free_port)
  if [[ ${1:-} == refusing ]]; then start_refusing_pypi "$pp"; else start_pypi "$pp"; fi
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
# The same command every time; extra arguments (`-v`) first.
ours() {
  cd "$work/run/e2e"
  "$bin" pyrelease publish "${@:--q}" --yes --no-gates --no-tag --no-github-release \
    --index-url "$PYPI/simple/" --publish-url "$PYPI/"
}
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; echo "bench-publish: $1 failed" >&2; exit 2; }
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}

# The refusing index gives way to pypiserver on the same port (its URL is the command's).
heal_pypi() {
  kill "$refusing"; wait "$refusing" 2>/dev/null || true
  start_pypi "$pp"
  wait_http "$PYPI/health"
}
# The resume: sets $stopped_time and $rerun_time; returns 1 when the re-run rebuilt.
resume() {
  local start stopped_end rerun_start end code=0
  fresh refusing
  start=$(date +%s.%N)
  ours -v >"$work/stopped.log" 2>&1 || code=$?
  stopped_end=$(date +%s.%N)
  if [[ $code -ne 3 ]]; then
    cat "$work/stopped.log" >&2
    echo "bench-publish: the stopped release exited $code, not 3 (crates out, Python files not)" >&2
    exit 2
  fi
  heal_pypi
  rerun_start=$(date +%s.%N)
  ours -v >"$work/rerun.log" 2>&1 || { cat "$work/rerun.log" >&2; echo "bench-publish: the re-run failed" >&2; exit 2; }
  end=$(date +%s.%N)
  stopped_time=$(python3 -c "print(f'{$stopped_end - $start:.1f}')")
  rerun_time=$(python3 -c "print(f'{$end - $rerun_start:.1f}')")
  # The lines a build prints under `-v`; the stopped run, which built, must show them, or
  # the check below would pass for the wrong reason.
  local builds='maturin (build|sdist)|cargo (package|build)|Compiling '
  if ! grep -qE "$builds" "$work/stopped.log"; then
    cat "$work/stopped.log" >&2
    echo "bench-publish: the stopped release's output shows no build: the re-run's check cannot work" >&2
    exit 2
  fi
  if [[ $(find "$work/run/pkgs" -type f | wc -l) -lt 2 ]]; then
    cat "$work/rerun.log" >&2
    echo "bench-publish: the re-run exited 0, but the index lacks the wheel or the sdist" >&2
    exit 2
  fi
  if grep -E "$builds" "$work/rerun.log" >&2; then
    echo "bench-publish: the re-run built again (lines above)" >&2
    return 1
  fi
}

if [[ $warm -eq 1 ]]; then
  # One unmeasured release seeds the build output every measurement starts from.
  fresh; timed naive >/dev/null
  cp -r "$work/run/e2e/target" "$work/target"
fi
naive_times=(); ours_times=(); stopped_times=(); rerun_times=(); rebuilds=()
for i in $(seq 1 "$runs"); do
  fresh; naive_times+=("$(timed naive)")
  fresh; ours_times+=("$(timed ours)")
  echo "bench-publish: run $i: naive ${naive_times[-1]} s, cargo-pyrelease ${ours_times[-1]} s" >&2
  rebuilt=no
  resume || rebuilt=yes
  stopped_times+=("$stopped_time"); rerun_times+=("$rerun_time"); rebuilds+=("$rebuilt")
  echo "bench-publish: run $i: stopped after the crates ${stopped_time} s, re-run ${rerun_time} s (rebuilt: $rebuilt)" >&2
done
python3 - "${naive_times[*]}" "${ours_times[*]}" "$warm" "${stopped_times[*]}" "${rerun_times[*]}" "${rebuilds[*]}" <<'PY'
import statistics, sys
naive = [float(x) for x in sys.argv[1].split()]
ours = [float(x) for x in sys.argv[2].split()]
state = "warm dependencies" if sys.argv[3] == "1" else "cold (no build output)"
stopped = [float(x) for x in sys.argv[4].split()]
rerun = [float(x) for x in sys.argv[5].split()]
rebuilt = sys.argv[6].split().count("yes")
ratio = statistics.mean(ours) / statistics.mean(naive)
print(f"publish of testdata/e2e, {state}, {len(naive)} run(s) each")
print(f"  naive sequence    {statistics.mean(naive):6.1f} s")
print(f"  cargo-pyrelease   {statistics.mean(ours):6.1f} s")
print(f"  ratio             {ratio:6.2f}x  (target <= 0.6x): {'PASS' if ratio <= 0.6 else 'FAIL'}")
print(f"resume: the Python index refused the first upload, the crates were out")
print(f"  stopped release   {statistics.mean(stopped):6.1f} s  (exit 3)")
print(f"  re-run            {statistics.mean(rerun):6.1f} s  (exit 0; rebuilt in {rebuilt} of {len(rerun)}): {'PASS' if rebuilt == 0 else 'FAIL'}")
sys.exit(0 if ratio <= 0.6 and rebuilt == 0 else 1)
PY
