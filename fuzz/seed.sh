#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the fixtures under testdata/, so the fuzzer starts
# from real files instead of from nothing. The corpus itself is not committed.
set -euo pipefail
cd "$(dirname "$0")"
data=../testdata

mkdir -p corpus/pep440 corpus/changelog corpus/toml_version
for v in 1.2.3 1.2.0-alpha.1 1.2.0-beta.2 1.2.0-rc.1 1.0.0-dev.3 1.2.0-alpha \
  1.2.0-alpha.1.2 1.2.3-1 1.2.3+build 1.2.3a1 1.2.3.post1 '1!2.0' 1.2.3+local 1.2 v1.2.3; do
  printf '%s' "$v" > "corpus/pep440/$(printf '%s' "$v" | md5sum | cut -c1-16)"
done

# The first byte picks the options (changelog) or the edit (toml_version).
i=0
while IFS= read -r -d '' file; do
  i=$((i + 1))
  { printf "\\x$(printf %02x $((i % 8)))"; cat "$file"; } > "corpus/changelog/seed-$i"
done < <(find "$data" -name 'CHANGELOG.md' -not -path '*/target/*' -print0)

i=0
while IFS= read -r -d '' file; do
  for edit in 0 1 2 3 4 5; do
    i=$((i + 1))
    { printf "\\x$(printf %02x $edit)"; cat "$file"; } > "corpus/toml_version/seed-$i"
  done
done < <(find "$data" \( -name 'Cargo.toml' -o -name 'pyproject.toml' -o -name '*.lock' \) \
  -not -path '*/target/*' -not -path "$data/bad/*" -print0)
