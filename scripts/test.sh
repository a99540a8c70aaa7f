#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need into
# target/tools (once; later runs reuse it), then checks format, lints and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/tools
mkdir -p "$tools"
# Python tools the tests run: `packaging` (the PEP 440 cross-check against
# Python's own parser), maturin (builds the wheel of this tool), check-jsonschema
# and zizmor (validate and audit the generated workflows). Reinstalled only when
# this list changes.
requirements="packaging maturin==1.16.0 check-jsonschema==0.39.* zizmor==1.32.*"
python=$(command -v python3 || command -v python)
bin="$tools/venv/bin"
[ -d "$tools/venv/Scripts" ] && bin="$tools/venv/Scripts"
if [ ! -x "$bin/python" ] && [ ! -x "$bin/python.exe" ]; then
  echo "    Creating $tools/venv"
  "$python" -m venv "$tools/venv"
  [ -d "$tools/venv/Scripts" ] && bin="$tools/venv/Scripts"
fi
if [ "$(cat "$tools/venv/.requirements" 2>/dev/null)" != "$requirements" ]; then
  echo "    Installing test tools into $tools/venv"
  # `python -m pip`, not the `pip` script: a venv copied from elsewhere keeps
  # scripts that point at the original.
  # shellcheck disable=SC2086
  "$bin/python" -m pip install --quiet --disable-pip-version-check $requirements
  echo "$requirements" > "$tools/venv/.requirements"
fi
export PATH="$PWD/$bin:$PATH"

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked "$@"
