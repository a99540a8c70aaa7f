#!/usr/bin/env bash
# Regenerates data/classifiers.txt: every trove classifier PyPI accepts, one per line, sorted.
# The list comes from the `trove-classifiers` package, which is PyPI's own source of truth,
# installed into a throwaway venv so that nothing on the machine is changed or relied on.
# Run it when PyPI adds classifiers, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 -m venv "$tmp/venv"
# Unset a machine-wide wheel folder: the latest release must come from the index.
env -u PIP_FIND_LINKS "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check trove-classifiers

mkdir -p data
"$tmp/venv/bin/python" - >"$tmp/classifiers.txt" <<'PY'
import trove_classifiers
for classifier in sorted(trove_classifiers.classifiers):
    print(classifier)
PY
# The classifier a Rust + Python project is most likely to use: if it is missing, the
# package changed shape and the list must not be replaced.
if ! grep -qxF 'Programming Language :: Rust' "$tmp/classifiers.txt"; then
  echo "error: 'Programming Language :: Rust' is missing from the new list; data/classifiers.txt left as it was" >&2
  exit 1
fi
mv "$tmp/classifiers.txt" data/classifiers.txt

version=$("$tmp/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("trove-classifiers"))')
count=$(wc -l <data/classifiers.txt)
echo "wrote $count classifiers (trove-classifiers $version) to data/classifiers.txt"
