#!/usr/bin/env bash
# Installs what building, running and testing Turbocat Desktop needs on Debian/Ubuntu, and only
# what is missing: Debian packages (checked with dpkg-query first, so a ready machine never calls
# apt) and the npm packages of package-lock.json (`npm ci`, skipped while the lock file is
# unchanged since the last install). When it cannot install something it says what to do.
#
# Usage: scripts/setup.sh [--app-only] [EXTRA_DEBIAN_PACKAGE...]
#   --app-only   only what building and running the app needs (no Xvfb, WebKitWebDriver,
#                ImageMagick); scripts/run-app.sh uses it
#   EXTRA_...    more Debian packages to ensure, e.g. `postgresql` for the test script
#
# Environment: TURBOCAT_SKIP_NPM=1 skips the npm step.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

APP_PACKAGES=(libwebkit2gtk-4.1-dev build-essential)
# postgresql: the sync tests start a private Postgres (tests/support/postgres.rs); Debian's default
# version (15 on bookworm) provides /usr/lib/postgresql/<version>/bin. pgbouncer: the sync tests
# put a transaction-mode PgBouncer in front of it (tests/support/pgbouncer.rs). gnome-keyring and
# dbus-daemon: the sync e2e spec keeps the far password in a real Secret Service (scripts/e2e.sh).
TEST_PACKAGES=(xvfb webkit2gtk-driver imagemagick postgresql pgbouncer gnome-keyring dbus-daemon)
# Vite 7 needs Node 20.19+ (or 22.12+); the package-lock.json was made with npm 10+.
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
# Keep in step with `rust-version` in Cargo.toml.
RUST_MIN="1.89"

say() { printf 'setup: %s\n' "$*"; }
fail() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

app_only=0
extra=()
for arg in "$@"; do
  case "$arg" in
    --app-only) app_only=1 ;;
    -h | --help)
      sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) fail "unknown option $arg (see --help)" ;;
    *) extra+=("$arg") ;;
  esac
done

wanted=("${APP_PACKAGES[@]}")
if [[ $app_only == 0 ]]; then wanted+=("${TEST_PACKAGES[@]}"); fi
if ((${#extra[@]})); then wanted+=("${extra[@]}"); fi

# --- Debian packages -------------------------------------------------------------------------

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_debian_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "this is not a Debian/Ubuntu system; install the equivalents of these packages yourself:"
    say "  ${wanted[*]}"
    say "(WebKitGTK 4.1 development files and a C toolchain; for tests also Xvfb, WebKitWebDriver, ImageMagick)"
    return 0
  fi

  local missing=() pkg
  for pkg in "${wanted[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    say "Debian packages present: ${wanted[*]}"
    return 0
  fi

  local -a as_root
  if [[ $(id -u) == 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  elif command -v sudo >/dev/null 2>&1 && [[ -t 0 ]]; then
    # An interactive terminal: let sudo ask for the password.
    as_root=(sudo)
  else
    fail "these Debian packages are missing: ${missing[*]}
  Installing them needs root. Run, as root or with sudo:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}
  then run this script again."
  fi

  say "installing Debian packages: ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
    fail "apt-get update failed; check the network or the apt sources, then try again"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    fail "apt-get install failed for: ${missing[*]}"
}

# --- Toolchains ------------------------------------------------------------------------------

version_at_least() { # $1 >= $2, both dotted
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

check_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    fail "Rust is missing: install Rust $RUST_MIN or newer (https://rustup.rs, or your distribution's rustup package), then run this script again."
  fi
  local have
  have="$(rustc --version | awk '{print $2}')"
  version_at_least "$have" "$RUST_MIN" ||
    fail "Rust $have is too old: $RUST_MIN or newer is needed (\`rustup update\`)."
}

check_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    fail "Node.js and npm are missing: install Node.js $NODE_MIN_MAJOR.$NODE_MIN_MINOR or newer with npm (e.g. from NodeSource or nvm; Debian's own nodejs may be too old), then run this script again."
  fi
  local have
  have="$(node --version | sed 's/^v//')"
  version_at_least "$have" "$NODE_MIN_MAJOR.$NODE_MIN_MINOR" ||
    fail "Node.js $have is too old: $NODE_MIN_MAJOR.$NODE_MIN_MINOR or newer is needed."
}

# --- npm packages ----------------------------------------------------------------------------

install_npm_packages() {
  [[ ${TURBOCAT_SKIP_NPM:-0} == 1 ]] && return 0
  # `npm ci` deletes node_modules and reinstalls every time; a stamp of the manifests it
  # installed from makes a second run instant while still catching any change to them.
  local stamp="$ROOT/node_modules/.turbocat-setup-stamp" sum
  sum="$(cd "$ROOT" && cat package-lock.json package.json ui/package.json | sha256sum | cut -d' ' -f1)"
  if [[ -f $stamp && "$(cat "$stamp")" == "$sum" && -d "$ROOT/node_modules/@tauri-apps/cli" ]]; then
    say "npm packages up to date"
    return 0
  fi
  say "installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund) ||
    fail "npm ci failed; check that the npm registry is reachable and package-lock.json matches package.json"
  printf '%s\n' "$sum" >"$stamp"
}

install_debian_packages
check_rust
check_node
install_npm_packages
say "ready"
