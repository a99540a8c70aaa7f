#!/usr/bin/env bash
# Builds cargo-pyrelease and runs its main job on a bundled example project: a dry-run
# release of testdata/e2e (two crates and a pyo3 package). Everything a release does
# locally runs for real (verify, gates, cargo package, maturin builds, artifact checks,
# registry look-ups); the uploads, tag and GitHub release are printed, not done.
# The registries it asks are real servers started here on 127.0.0.1: a cargo registry
# (estuary) and a Python index (pypiserver), so nothing reaches crates.io or PyPI.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
source scripts/tools.sh
cargo build --release --locked
bin="$repo/target/release/cargo-pyrelease"

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_http() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

mkdir -p "$work/pkgs"
pypi_port=$(free_port)
pypi-server run -i 127.0.0.1 -p "$pypi_port" -a . -P . --disable-fallback "$work/pkgs" >"$work/pypi.log" 2>&1 &
pids+=($!)
reg_port=$(free_port)
estuary --base-url "http://127.0.0.1:$reg_port" --crate-dir "$work/est/crates" --index-dir "$work/est/index" \
  --http-host 127.0.0.1 --http-port "$reg_port" >"$work/estuary.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$pypi_port/health"
wait_http "http://127.0.0.1:$reg_port/git/index/info/refs?service=git-upload-pack"

cp -r "$repo/testdata/e2e" "$work/example"
cd "$work/example"
git init -q -b main && git add -A
git -c user.name=demo -c user.email=demo@example.invalid commit -qm "example project"
export CARGO_REGISTRIES_LOCAL_INDEX="http://127.0.0.1:$reg_port/git/index"
# The dry run checks that a real run could upload (credentials for both sides). These
# local servers take any credentials: estuary any token, pypiserver (`-a . -P .`) anyone.
export CARGO_REGISTRIES_LOCAL_TOKEN=demo UV_PUBLISH_USERNAME=demo UV_PUBLISH_PASSWORD=demo
# Builds share the repository's target folder, so a second demo run is quick.
export CARGO_TARGET_DIR="$repo/target/demo"
echo "\$ cargo pyrelease status"
"$bin" pyrelease status
echo
echo "\$ cargo pyrelease publish --dry-run"
"$bin" pyrelease publish --dry-run --no-github-release \
  --index-url "http://127.0.0.1:$pypi_port/simple/" --publish-url "http://127.0.0.1:$pypi_port/"
