#!/usr/bin/env bash
# photos.sh [PHONES] : "Photos on hand" (issue 19), before and after preload.
#
# One room of PHONES phones (default 1000), 5 rounds of 20 s, name->photo;
# each phone fetches its photos as the page does (`--fetch-photos`), votes
# 0-3 s after the question (as people do), and the host leaves each reveal
# up 5 s. Measures, per round, `round` -> all four photos on hand per phone.
#
#   before: the phones ignore `preload` and fetch on `round` (as the page
#           did), or, with OLD_BIN=path, a server built before preload;
#   after:  the phones fetch what `preload` names, in the lobby and during
#           each reveal.
#
# Passes alternate before/after (PASSES, default 3), fresh server and
# database per run. Release builds of REPO (default: this checkout) unless
# PROFILE=debug (a smoke run only). Results: OUT/photos-{before,after}-pN.json
# (OUT default target/bench), and a summary at the end.
#
# Do not run while anything else builds or runs: the numbers are the
# machine's as much as the server's.
set -u
PHONES=${1:-1000}
PASSES=${PASSES:-3}
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
PROFILE=${PROFILE:-release}
OUT=${OUT:-$REPO/target/bench}
NEW=$REPO/target/$PROFILE/yearbook
LG=$REPO/target/$PROFILE/yearbook-loadgen
OLD_BIN=${OLD_BIN:-}
mkdir -p "$OUT"
DB=$(mktemp -d /tmp/photos-bench.XXXXXX)
trap 'rm -rf "$DB"' EXIT

for b in "$NEW" "$LG" ${OLD_BIN:+"$OLD_BIN"}; do
  [ -x "$b" ] || { echo "missing $b (cargo build --$PROFILE in $REPO)" >&2; exit 2; }
done

# run LABEL SERVER_BIN [LOADGEN FLAGS...]
run() {
  local label=$1 bin=$2; shift 2
  rm -rf "$DB"/bench.db*
  (cd "$REPO" && exec "$bin" serve --addr 127.0.0.1:0 --db "$DB/bench.db" --max-players 10000) \
    > "$DB/srv.out" 2> "$DB/srv.err" &
  local pid=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$DB/srv.out" && break; sleep 0.2; done
  local url
  url=$(grep -o "http://[0-9.:]*" "$DB/srv.out" | head -1)
  "$LG" --url "$url" --server-pid "$pid" --phones "$PHONES" --rounds 5 --seconds 20 \
      --vote-delay-ms 3000 --reveal-ms 5000 --wait-secs 60 --fetch-photos "$@" --json \
      > "$OUT/$label.json" 2> "$OUT/$label.err"
  echo "exit $?" >> "$OUT/$label.err"
  kill "$pid"; wait "$pid" 2>/dev/null
}

for p in $(seq 1 "$PASSES"); do
  if [ -n "$OLD_BIN" ]; then
    run "photos-before-p$p" "$OLD_BIN"
  else
    run "photos-before-p$p" "$NEW" --ignore-preload
  fi
  run "photos-after-p$p" "$NEW"
done

python3 - "$OUT" "$PASSES" <<'EOF'
import json, sys
out, passes = sys.argv[1], int(sys.argv[2])
for side in ("before", "after"):
    for p in range(1, passes + 1):
        try:
            r = json.load(open(f"{out}/photos-{side}-p{p}.json"))
        except Exception as e:
            print(f"{side} p{p}: no report ({e})")
            continue
        ph = r.get("photos", {})
        a = ph.get("on_hand_after_round", {})
        per = " | ".join(
            f"r{i + 1} {d.get('p50_ms')}/{d.get('p95_ms')}/{d.get('p99_ms')}/{d.get('max_ms')}"
            for i, d in enumerate(ph.get("per_round", [])))
        print(f"{side:6} p{p}: all rounds p50 {a.get('p50_ms')} p95 {a.get('p95_ms')} "
              f"p99 {a.get('p99_ms')} max {a.get('max_ms')} ms ({a.get('samples')} samples, "
              f"missing {ph.get('missing')}, clean {r.get('clean')}); per round p50/p95/p99/max: {per}")
EOF
