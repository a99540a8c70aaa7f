#!/usr/bin/env bash
# Lists the GitHub Actions pins of the generated workflows (the table in
# src/render/pins.rs), one `owner/repo@sha # version` a line, for review.
# With --verify, asks GitHub whether each version tag still names the pinned
# commit (needs access to github.com; exit 1 on any difference).
set -euo pipefail
cd "$(dirname "$0")/.."

pins=$(awk -F'"' '/action: "/ {a = $2} /sha: "/ {s = $2} /version: "/ {print a "@" s " # " $2}' src/render/pins.rs)
echo "$pins"

if [ "${1:-}" = "--verify" ]; then
  status=0
  while read -r uses _ version; do
    action=${uses%@*}
    sha=${uses#*@}
    # An annotated tag is its own object: its `^{}` line names the commit.
    refs=$(git ls-remote "https://github.com/$action" "refs/tags/$version" "refs/tags/$version^{}")
    commit=$(echo "$refs" | awk '/\^\{\}$/ {print $1}')
    [ -n "$commit" ] || commit=$(echo "$refs" | awk '{print $1}')
    if [ "$commit" = "$sha" ]; then
      echo "ok: $action $version"
    else
      echo "MISMATCH: $action $version is ${commit:-missing}, pinned $sha" >&2
      status=1
    fi
  done <<< "$pins"
  exit "$status"
fi
