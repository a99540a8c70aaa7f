#!/usr/bin/env bash
# Builds cargo-pyrelease and runs it on a bundled example project (a copy of
# testdata/shape4-wsinh): what would be released, and a dry-run release.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --locked --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/cargo-pyrelease"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$repo/testdata/shape4-wsinh" "$work/example"
cd "$work/example"
echo "\$ cargo pyrelease status"
"$bin" pyrelease status
echo
echo "\$ cargo pyrelease sync --check"
"$bin" pyrelease sync --check
echo
echo "\$ cargo pyrelease bump minor --dry-run --allow-dirty"
"$bin" pyrelease bump minor --dry-run --allow-dirty
