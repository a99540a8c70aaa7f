#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need into
# target/tools (once; later runs reuse it, see tools.sh), then checks format, lints
# and tests, the end-to-end publish tests against local registries included.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/tools.sh

cargo fmt --all -- --check
cargo clippy --all-targets --locked --features test-hooks -- -D warnings
# The test hooks (a pause in the write phase) are compiled in for the tests only; `tools`
# runs the tests that need the tools installed above (plain `cargo test` ignores them).
cargo test --locked --features test-hooks,tools "$@"
