# shellcheck shell=bash
# Sourced by test.sh and demo.sh: installs what the tests and the demo need into
# target/tools, once (later runs find it there), and puts it on PATH.
#   target/tools/venv: packaging (PEP 440 cross-check), pypiserver (a real Python index),
#                      maturin and uv (builds and uploads)
#   target/tools/bin:  estuary (a real cargo registry; a few minutes to compile, once)
tools="$PWD/target/tools"
mkdir -p "$tools"
if [ ! -x "$tools/venv/bin/python" ]; then
  python3 -m venv "$tools/venv"
fi
if [ ! -x "$tools/venv/bin/uv" ] || [ ! -x "$tools/venv/bin/pypi-server" ] || [ ! -x "$tools/venv/bin/maturin" ]; then
  echo "    Installing Python test tools into $tools/venv"
  # A machine-wide wheel folder must not pick the versions: the pins come from PyPI.
  env -u PIP_FIND_LINKS "$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
    packaging pypiserver==2.4.2 maturin==1.16.0 uv==0.13.9
fi
if [ ! -x "$tools/bin/estuary" ]; then
  echo "    Installing estuary (a local cargo registry) into $tools/bin; this takes a few minutes once"
  cargo install --quiet estuary --version 0.1.1 --root "$tools"
fi
export PATH="$tools/bin:$tools/venv/bin:$PATH"
