#!/usr/bin/env bash
# Measures the memory a workflow run takes for a large API response, for BENCHMARKS.md: the
# peak RSS of `turbocat run` of the seeded "Data Pipeline" (fetch → transform → save) whose api
# step fetches a JSON array of about 61 MB from a local HTTP server on 127.0.0.1, beside its
# baseline in the same run: a one-step workflow that only fetches and keeps the same response
# (one parsed copy of it), and the process with a 10-item response.
#
# Usage: scripts/measure-run-memory.sh [debug|release]   (default debug)
# Needs python3 (the HTTP server, the JSON file and getrusage).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROFILE="${1:-debug}"
cd "$ROOT"
if [[ $PROFILE == release ]]; then
  cargo build -q --release -p turbocat-cli
else
  cargo build -q -p turbocat-cli
fi
BIN="$ROOT/target/$PROFILE/turbocat"
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"

python3 - <<'EOF'
import json
items = [{"id": i, "name": "item %d" % i, "score": i % 100, "tags": ["a", "b"]} for i in range(850000)]
open("big.json", "w").write(json.dumps(items))
open("small.json", "w").write(json.dumps(items[:10]))
EOF
"$BIN" --db db.sqlite db seed >/dev/null
"$BIN" --db db.sqlite export -o bundle.json >/dev/null
python3 - <<'EOF'
import json
b = json.load(open("bundle.json"))
w = next(w for w in b["workflows"] if w["name"] == "Data Pipeline")
w = dict(w, id="00000000-0000-4000-8000-00000000f001", name="Fetch only", steps=w["steps"][:1])
w["steps"] = [dict(w["steps"][0], id="00000000-0000-4000-8000-00000000f002", workflowId=w["id"])]
json.dump(dict(b, agents=[], templates=[], workflows=[w]), open("fetch-only.json", "w"))
EOF
"$BIN" --db db.sqlite import fetch-only.json >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1 &
SERVER=$!
sleep 1

peak() { # workflow, file: the peak RSS of one run, in MiB
  python3 - "$BIN" "$1" "http://127.0.0.1:$PORT/$2" <<'EOF'
import json, resource, subprocess, sys
bin, wf, url = sys.argv[1:]
r = subprocess.run([bin, "--db", "db.sqlite", "--json", "run", wf, "--input", json.dumps({"apiUrl": url})],
                   capture_output=True, text=True)
status = json.loads(r.stdout).get("status") if r.stdout.strip().startswith("{") else r.stderr.strip()
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, status)
EOF
}

size=$(stat -c %s big.json)
printf 'measure: response %s bytes (%.1f MB), %s build\n' "$size" "$(echo "$size / 1000000" | bc -l)" "$PROFILE"
printf 'measure: %-40s %s MiB peak RSS (%s)\n' "10-item response, Data Pipeline" $(peak "Data Pipeline" small.json)
printf 'measure: %-40s %s MiB peak RSS (%s)\n' "baseline: fetch only (one parsed copy)" $(peak "Fetch only" big.json)
printf 'measure: %-40s %s MiB peak RSS (%s)\n' "Data Pipeline (3 steps)" $(peak "Data Pipeline" big.json)
