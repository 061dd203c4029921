#!/usr/bin/env bash
# Measures the desktop app the way a user meets it, for BENCHMARKS.md:
#   - the release binary's size (custom-protocol build, the UI embedded);
#   - the time from launching the process to the first painted frame that shows data, on a new
#     database (migrate + seed included) and then on the same, existing database;
#   - the memory of the app and its WebKit processes after start: PSS (each shared page counted
#     once across the processes) and RSS, summed over the app and all its descendants.
# The app reports its first painted frame with data itself (the UI calls `startup_painted` two
# animation frames after the first data is on screen; see src-tauri/src/commands/startup.rs).
# Runs under a private Xvfb; needs what scripts/setup.sh installs.
#
# Usage: scripts/measure-app.sh [RUNS]   (default 5 runs on the existing database)
# Environment: TURBOCAT_MEASURE_SETTLE (seconds to wait after first paint before reading
#   memory, default 3), TURBOCAT_SKIP_BUILD=1 (measure the binary already built).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${1:-5}"
SETTLE="${TURBOCAT_MEASURE_SETTLE:-3}"
APP="$ROOT/target/release/turbocat-desktop"

say() { printf 'measure: %s\n' "$*"; }
fail() {
  printf 'measure: error: %s\n' "$*" >&2
  exit 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/turbocat-measure.XXXXXX")"
XVFB_PID=""
APP_PID=""
cleanup() {
  [[ -n $APP_PID ]] && kill -TERM "$APP_PID" 2>/dev/null || true
  [[ -n $XVFB_PID ]] && kill -TERM "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ${TURBOCAT_SKIP_BUILD:-0} != 1 ]]; then
  "$ROOT/scripts/setup.sh"
  say "building the UI and the release app (custom-protocol)"
  npm run build -w ui >/dev/null || fail "the UI build failed"
  cargo build --release --locked --features custom-protocol || fail "the release build failed"
fi
[[ -x $APP ]] || fail "no release binary at $APP (run without TURBOCAT_SKIP_BUILD)"

size=$(stat -c %s "$APP")
say "release binary: $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)"

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do
  [[ -s $WORK/display ]] && break
  sleep 0.1
done
[[ -s $WORK/display ]] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
export DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"

# The app and every process below it (WebKitWebProcess, WebKitNetworkProcess).
tree_pids() {
  local pid=$1 child
  echo "$pid"
  for child in $(pgrep -P "$pid" || true); do tree_pids "$child"; done
}

# Sums a field of /proc/PID/smaps_rollup (kB) over the tree.
tree_kb() {
  local field=$1 total=0 pid kb
  for pid in $(tree_pids "$APP_PID"); do
    kb=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# One start: launch, wait for the first-paint line, let it settle, read memory, stop.
# Prints "<ms> <pss kB> <rss kB> <processes>".
measure_once() {
  local db=$1 out="$WORK/app.out" ms="" pss rss count
  : >"$out"
  TURBOCAT_DB="$db" TURBOCAT_LAUNCHED_AT_MS="$(date +%s%3N)" "$APP" >"$out" 2>"$WORK/app.err" &
  APP_PID=$!
  for _ in $(seq 300); do
    ms=$(grep -o '"firstPaintWithDataMs":[0-9]*' "$out" 2>/dev/null | cut -d: -f2 || true)
    [[ -n $ms ]] && break
    kill -0 "$APP_PID" 2>/dev/null || fail "the app exited: $(tail -n 5 "$WORK/app.err")"
    sleep 0.05
  done
  [[ -n $ms ]] || fail "no first-paint report within 15 s: $(tail -n 5 "$WORK/app.err")"
  sleep "$SETTLE"
  pss=$(tree_kb Pss)
  rss=$(tree_kb Rss)
  count=$(tree_pids "$APP_PID" | wc -l)
  kill -TERM "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  echo "$ms $pss $rss $count"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

db="$WORK/measure.sqlite"
read -r ms pss rss count < <(measure_once "$db")
say "new database (migrate + seed): first paint with data after $ms ms; $count processes, PSS $((pss / 1024)) MiB, RSS $((rss / 1024)) MiB"

: >"$WORK/runs"
for i in $(seq "$RUNS"); do
  read -r ms pss rss count < <(measure_once "$db")
  say "run $i (existing database): first paint with data after $ms ms; PSS $((pss / 1024)) MiB, RSS $((rss / 1024)) MiB"
  echo "$ms $pss $rss" >>"$WORK/runs"
done
say "median of $RUNS runs: first paint with data $(cut -d' ' -f1 "$WORK/runs" | median) ms, PSS $(($(cut -d' ' -f2 "$WORK/runs" | median) / 1024)) MiB, RSS $(($(cut -d' ' -f3 "$WORK/runs" | median) / 1024)) MiB"
