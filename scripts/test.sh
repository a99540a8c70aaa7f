#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need into
# target/tools (once; later runs reuse it), then checks format, lints and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/tools
mkdir -p "$tools"
# Python with `packaging`, for the PEP 440 cross-check against Python's own parser.
if [ ! -x "$tools/venv/bin/python" ]; then
  echo "    Installing test tools into $tools/venv"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check packaging
fi
export PATH="$PWD/$tools/venv/bin:$PATH"

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked "$@"
