#!/usr/bin/env bash
# Runs every test of Turbocat Desktop from a fresh checkout on Debian/Ubuntu: installs what is
# missing (scripts/setup.sh), builds the UI the app embeds and runs its unit tests (vitest), then
# runs the whole Rust workspace's tests: the unit and property tests of each crate and the one
# integration-test binary (tests/), against real SQLite files in temporary folders, and finally
# the end-to-end tests that drive the real app window (scripts/e2e.sh). This is the README's test
# command; .ci/run calls it.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

printf 'test: building the UI and its unit tests (vitest)\n'
npm run build -w ui
npm run test -w ui

printf 'test: cargo test --workspace\n'
# Tests must never touch the user's real database: point the default somewhere disposable.
TURBOCAT_DB="$(mktemp -d)/must-not-be-used.sqlite"
export TURBOCAT_DB
# The tests regenerate ui/src/bindings from the Rust types (ts-rs); start from nothing so a
# type that no longer exists cannot leave a file behind.
rm -rf ui/src/bindings
cargo test --workspace --locked
if [[ -e $TURBOCAT_DB ]]; then
  printf 'test: error: a test wrote to the default database path %s\n' "$TURBOCAT_DB" >&2
  exit 1
fi
if git rev-parse --git-dir >/dev/null 2>&1; then
  stale="$(git status --porcelain -- ui/src/bindings)"
  if [[ -n $stale ]]; then
    printf 'test: error: ui/src/bindings is stale; the Rust types changed. Commit the regenerated files:\n%s\n' "$stale" >&2
    exit 1
  fi
fi
printf 'test: end-to-end tests of the real app window (scripts/e2e.sh)\n'
"$ROOT/scripts/e2e.sh"
printf 'test: all tests passed\n'
