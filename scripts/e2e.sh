#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e): drives the real Turbocat Desktop window through
# WebDriver (WebdriverIO -> tauri-driver -> WebKitWebDriver -> the app) under a private Xvfb,
# each spec file on a fresh temporary database, and saves a screenshot per test in
# target/e2e-screenshots/. Installs or builds only what is missing or out of date:
#   - Debian packages and the root npm packages (scripts/setup.sh; needs xvfb, webkit2gtk-driver)
#   - tauri-driver, pinned, in target/tools/bin (cargo install; cache target/tools in CI)
#   - the e2e npm packages of tests/e2e/package-lock.json (npm ci, no install scripts)
#   - the UI (ui/dist, only when ui/ changed) and the app with the custom-protocol feature, in
#     the workspace's own target folder (the dependencies `cargo test` built are reused: only
#     tauri's crates and the app are built again for the feature), then copied to
#     target/e2e/debug, so a later plain `cargo build` never swaps in a dev-server binary
# Exits non-zero when anything fails; the failing test's message is in the output.
#
# Usage: scripts/e2e.sh [SPEC_GLOB]   e.g. scripts/e2e.sh './specs/agents.e2e.js'
# Environment: TURBOCAT_E2E_PORT (default 4444; tauri-driver uses it and PORT+1),
#   TURBOCAT_E2E_TIMEOUT (seconds for the whole WebdriverIO run, default 300),
#   TURBOCAT_E2E_KEEP=1 keeps the run folder (databases, driver and wdio logs),
#   TURBOCAT_SKIP_NPM=1 skips the root npm install of scripts/setup.sh.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TAURI_DRIVER_VERSION="2.0.6"
TOOLS="$ROOT/target/tools"
DRIVER="$TOOLS/bin/tauri-driver"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
APP="$ROOT/target/e2e/debug/turbocat-desktop"
E2E_DIR="$ROOT/tests/e2e"
SCREENSHOTS="$ROOT/target/e2e-screenshots"
PORT="${TURBOCAT_E2E_PORT:-4444}"
NATIVE_PORT=$((PORT + 1))
RUN_TIMEOUT="${TURBOCAT_E2E_TIMEOUT:-300}"

say() { printf 'e2e: %s\n' "$*"; }
fail() {
  printf 'e2e: error: %s\n' "$*" >&2
  exit 1
}
case "${1:-}" in
  -h | --help)
    sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

start_all=$SECONDS
step_start=$SECONDS
step_done() { say "$1 ($((SECONDS - step_start)) s)"; step_start=$SECONDS; }

# --- Clean-up: whatever this run started, stopped by pid, tauri-driver with SIGTERM ----------

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/turbocat-e2e.XXXXXX")"
XVFB_PID=""
WDIO_PID=""
PG_DIR=""
PG_BIN="${TURBOCAT_PG_BIN:-/usr/lib/postgresql/15/bin}"
DBUS_PID=""
KEYRING_PID=""
# initdb and postgres refuse root: as root they run as the `postgres` account.
as_pg() { if [[ $EUID == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  local status=$? pidfile pid
  trap - EXIT INT TERM
  # Interrupted during the tests: stop WebdriverIO (timeout passes SIGTERM on to it).
  if [[ -n $WDIO_PID ]] && kill -0 "$WDIO_PID" 2>/dev/null; then
    kill -TERM "$WDIO_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$WDIO_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  # tauri-driver must get SIGTERM (SIGKILL leaves WebKitWebDriver holding its port).
  for pidfile in "$RUN_DIR"/tauri-driver.*.pid; do
    [[ -f $pidfile ]] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  if [[ -n $XVFB_PID ]] && kill -0 "$XVFB_PID" 2>/dev/null; then
    kill -TERM "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
  fi
  for pid in $KEYRING_PID $DBUS_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  if [[ -n $PG_DIR ]]; then
    [[ -f $PG_DIR/data/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
  fi
  if [[ $status != 0 ]]; then
    local log
    for log in "$RUN_DIR"/tauri-driver-*.log; do
      [[ -s $log ]] || continue
      say "last lines of ${log##*/} (tauri-driver, WebKitWebDriver and the app):"
      tail -n 20 "$log" | sed 's/^/  | /' >&2
    done
  fi
  if [[ ${TURBOCAT_E2E_KEEP:-0} == 1 ]]; then
    say "kept the run folder $RUN_DIR"
  else
    rm -rf "$RUN_DIR"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- One run at a time per checkout ---------------------------------------------------------
# Two runs in one checkout would rebuild ui/dist and target/e2e under each other's feet; the
# second waits for the first (flock, from util-linux).
LOCK="$ROOT/target/e2e.lock"
mkdir -p "$ROOT/target"
exec 9>"$LOCK"
if ! flock -n 9; then
  say "another e2e run holds $LOCK; waiting for it"
  flock 9
fi

# --- What the run needs ------------------------------------------------------------------------

"$ROOT/scripts/setup.sh"
for tool in WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb; do
  command -v "${tool%%:*}" >/dev/null 2>&1 ||
    fail "${tool%%:*} is missing: run, as root, \`apt-get install -y --no-install-recommends ${tool#*:}\` (Debian/Ubuntu), then run this script again"
done
step_done "system packages present"

if [[ -x $DRIVER ]] && cargo install --list --root "$TOOLS" 2>/dev/null | grep -qx "tauri-driver v$TAURI_DRIVER_VERSION:"; then
  say "tauri-driver $TAURI_DRIVER_VERSION present"
else
  say "installing tauri-driver $TAURI_DRIVER_VERSION into $TOOLS"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --root "$TOOLS" ||
    fail "cargo install tauri-driver failed; check that crates.io is reachable"
  step_done "tauri-driver installed"
fi

stamp="$E2E_DIR/node_modules/.turbocat-e2e-stamp"
sum="$(cat "$E2E_DIR/package.json" "$E2E_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ -f $stamp && "$(cat "$stamp")" == "$sum" && -x $E2E_DIR/node_modules/.bin/wdio ]]; then
  say "e2e npm packages up to date"
else
  say "installing the e2e npm packages (npm ci --prefix tests/e2e)"
  # --ignore-scripts: no browser-driver downloads (edgedriver/geckodriver install scripts).
  npm ci --prefix "$E2E_DIR" --ignore-scripts --no-audit --no-fund ||
    fail "npm ci in tests/e2e failed; check that the npm registry is reachable"
  printf '%s\n' "$sum" >"$stamp"
  step_done "e2e npm packages installed"
fi

# --- Build ------------------------------------------------------------------------------------

# Rebuild the UI only when something under ui/ (but dist and node_modules) is newer than the
# last build: an unchanged ui/dist keeps the app build below a no-op.
if [[ ! -f ui/dist/index.html ]] ||
  [[ -n "$(find ui -path ui/dist -prune -o -path ui/node_modules -prune -o -type f -newer ui/dist/index.html -print -quit)" ]]; then
  say "building the UI"
  npm run build -w ui || fail "the UI build failed (npm run build -w ui)"
  step_done "UI built"
else
  say "UI up to date (ui/dist)"
fi

say "building the app (custom-protocol)"
cargo build --locked --features custom-protocol || fail "cargo build --features custom-protocol failed"
[[ -x $TARGET/debug/turbocat-desktop ]] || fail "the build did not produce $TARGET/debug/turbocat-desktop"
mkdir -p "$(dirname "$APP")"
cp -f "$TARGET/debug/turbocat-desktop" "$APP.tmp" && mv -f "$APP.tmp" "$APP"
step_done "app built and copied to ${APP#"$ROOT"/}"

# --- Display and ports ------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$PORT" "$NATIVE_PORT"; do
  if port_in_use "$p"; then
    holder="$(ss -ltnpH "sport = :$p" 2>/dev/null | grep -o 'users:.*' || true)"
    fail "port $p is in use ${holder:+($holder)}: a leftover tauri-driver or WebKitWebDriver? Stop it with SIGTERM (kill -TERM PID), or pick other ports with TURBOCAT_E2E_PORT"
  fi
done

# A private X server on a free display number (Xvfb picks it and writes it to fd 3).
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$RUN_DIR/display" 2>"$RUN_DIR/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do
  [[ -s $RUN_DIR/display ]] && break
  kill -0 "$XVFB_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -s $RUN_DIR/display ]] || fail "Xvfb did not start: $(cat "$RUN_DIR/xvfb.log")"
export DISPLAY=":$(tr -d '[:space:]' <"$RUN_DIR/display")"
say "Xvfb on display $DISPLAY"

# --- A far Postgres and an OS keychain for the sync spec --------------------------------------
# specs/sync.e2e.js syncs with a real Postgres 15 that asks for a password (scram-sha-256), as a
# hosted one does, and the app keeps that password in a real Secret Service: gnome-keyring on a
# private D-Bus session bus, unlocked for this run, its keyrings in the run folder.

PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/turbocat-e2e-pg.XXXXXX")"
PG_PASSWORD="e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
if [[ $EUID == 0 ]]; then chown -R postgres "$PG_DIR"; fi
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U turbocat --pwfile="$PG_DIR/pwfile" --auth=scram-sha-256 -E UTF8 \
  >"$RUN_DIR/initdb.log" 2>&1 || fail "initdb failed: $(tail -n 5 "$RUN_DIR/initdb.log")"
PG_PORT=""
for p in $(seq 55432 55632); do
  if ! port_in_use "$p"; then PG_PORT=$p; break; fi
done
[[ -n $PG_PORT ]] || fail "no free port for the far Postgres"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -o \
  "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
  fail "the far Postgres did not start: $(tail -n 5 "$PG_DIR/postgres.log")"
PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -qX -h 127.0.0.1 -p "$PG_PORT" -U turbocat -d postgres \
  -c 'CREATE DATABASE far' >/dev/null || fail "cannot create the far database"
export TURBOCAT_E2E_PG_URL="postgresql://turbocat@127.0.0.1:$PG_PORT/far"
export TURBOCAT_E2E_PG_PASSWORD="$PG_PASSWORD" TURBOCAT_E2E_PSQL="$PG_BIN/psql"
say "far Postgres on 127.0.0.1:$PG_PORT"

if command -v dbus-daemon >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  dbus-daemon --session --fork --nopidfile --print-address=3 --print-pid=4 3>"$RUN_DIR/dbus.address" 4>"$RUN_DIR/dbus.pid" ||
    fail "cannot start a D-Bus session bus"
  DBUS_PID="$(tr -d '[:space:]' <"$RUN_DIR/dbus.pid")"
  export DBUS_SESSION_BUS_ADDRESS="$(head -n 1 "$RUN_DIR/dbus.address")"
  mkdir -p "$RUN_DIR/keyrings"
  printf 'e2e' | XDG_DATA_HOME="$RUN_DIR/keyrings" gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$RUN_DIR/gnome-keyring.log" 2>&1 &
  KEYRING_PID=$!
  say "OS keychain: gnome-keyring on a private session bus"
else
  say "no gnome-keyring (scripts/setup.sh installs it): the sync spec checks the in-memory password fallback"
fi

# --- Run --------------------------------------------------------------------------------------

mkdir -p "$SCREENSHOTS"
rm -f "$SCREENSHOTS"/*.png

# Without a GPU the app turns off WebKit's OpenGL compositing (src-tauri/src/rendering.rs), but
# WebKitWebDriver's screenshots hang without it: keep the GL path for the tests (the app leaves
# variables that are already set alone).
export WEBKIT_DISABLE_COMPOSITING_MODE=0 GDK_GL=
export TURBOCAT_E2E_APP="$APP" TURBOCAT_E2E_DRIVER="$DRIVER" TURBOCAT_E2E_PORT="$PORT"
export TURBOCAT_E2E_SCREENSHOTS="$SCREENSHOTS" TURBOCAT_E2E_RUN_DIR="$RUN_DIR"
if [[ -n ${1:-} ]]; then export TURBOCAT_E2E_SPEC="$1"; fi
# Never the user's own database, even if a spec's fresh one were not handed over.
export TURBOCAT_DB="$RUN_DIR/must-not-be-used.sqlite"

say "running the WebdriverIO tests"
test_start=$SECONDS
# In the background with `wait`, so a SIGTERM or SIGINT sent to this script alone (a cancelled
# CI job) runs the clean-up at once instead of after the tests.
(cd "$E2E_DIR" && exec timeout -k 10 "$RUN_TIMEOUT" node_modules/.bin/wdio run ./wdio.conf.js) &
WDIO_PID=$!
set +e
wait "$WDIO_PID"
status=$?
set -e
WDIO_PID=""
say "tests took $((SECONDS - test_start)) s; screenshots in ${SCREENSHOTS#"$ROOT"/}/"
if [[ $status == 124 ]]; then fail "the WebdriverIO run took more than $RUN_TIMEOUT s and was stopped"; fi
if [[ $status != 0 ]]; then fail "end-to-end tests failed (WebdriverIO exit $status)"; fi
if [[ -e $TURBOCAT_DB ]]; then fail "the app wrote to the fallback database $TURBOCAT_DB instead of the spec's own"; fi
say "all end-to-end tests passed ($((SECONDS - start_all)) s in all)"
