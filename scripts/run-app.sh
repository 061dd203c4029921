#!/usr/bin/env bash
# Runs Turbocat Desktop from a fresh checkout on Debian/Ubuntu: installs what is missing (through
# scripts/setup.sh), builds the UI and the app, and opens the window. The first start creates the
# database in the app-data folder and fills it with the demo content.
#
# Usage: scripts/run-app.sh [--dev | --release]
#   (default)   build the UI, then build and run a debug app that embeds it
#   --dev       `tauri dev`: Vite's dev server with hot reload, Rust rebuilt on change
#   --release   an optimized build (slower to compile)
#
# Environment:
#   TURBOCAT_DB=path       use this database file instead of the one in the app-data folder
#   TURBOCAT_NO_SEED=1     start a new database empty instead of with the demo content
#   TURBOCAT_XVFB=1        no screen here (a server, CI): run inside a virtual X display
#                          (Xvfb); the window is invisible, which is useful only for checks

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf 'run-app: %s\n' "$*"; }
fail() {
  printf 'run-app: error: %s\n' "$*" >&2
  exit 1
}

mode=debug
for arg in "$@"; do
  case "$arg" in
    --dev) mode=dev ;;
    --release) mode=release ;;
    -h | --help)
      sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) fail "unknown argument $arg (see --help)" ;;
  esac
done

# Decide about the display before installing anything, so a missing screen is reported at once.
wrap=()
if [[ ${TURBOCAT_XVFB:-0} == 1 ]]; then
  wrap=(xvfb-run -a -s "-screen 0 1280x900x24")
elif [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  fail "no display: neither DISPLAY nor WAYLAND_DISPLAY is set.
  Run this from a desktop session (or over ssh -X), or set TURBOCAT_XVFB=1 to run the app
  inside a virtual display where nobody can see it (for servers and automated checks)."
fi

setup_args=(--app-only)
if ((${#wrap[@]})); then setup_args+=(xvfb); fi
"$ROOT/scripts/setup.sh" "${setup_args[@]}"

case "$mode" in
  dev)
    # The Tauri CLI runs the Vite dev server (beforeDevCommand) and builds the app itself.
    say "starting tauri dev (first build of the Rust side takes a few minutes)"
    exec ${wrap[@]+"${wrap[@]}"} npx tauri dev
    ;;
  debug | release)
    say "building the UI"
    npm run build -w ui
    # Without custom-protocol the app would load the dev server's URL instead of the UI it
    # embeds and show "Could not connect to localhost".
    cargo_args=(build --features custom-protocol)
    [[ $mode == release ]] && cargo_args+=(--release)
    say "building the app (the first build takes a few minutes)"
    cargo "${cargo_args[@]}"
    target_dir="$(cargo metadata --format-version 1 --no-deps |
      sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
    binary="${target_dir:-$ROOT/target}/$mode/turbocat-desktop"
    [[ -x $binary ]] || fail "the build did not produce $binary"
    say "starting $binary"
    exec ${wrap[@]+"${wrap[@]}"} "$binary"
    ;;
esac
