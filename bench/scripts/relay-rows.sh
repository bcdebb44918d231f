#!/usr/bin/env bash
# Issue 17's table, re-measured with real processes: `seedcast peer inject --rate-kbps 2000` -> `seedcast netsim`
# (each direction gets the delay, jitter and loss) -> `seedcast peer join`, SECONDS per row (default 60).
# Prints per row the chunks the viewer wrote (the engine writes them in order; a hole only where one was given up, which
# "lost" counts), the chunks asked again, and the longest stretch without progress in the per-second lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_ROW=${1:-60}
. bench/scripts/peer-rows-setup.sh
head -c $(( (SECONDS_PER_ROW + 15) * 250000 )) /dev/urandom > "$work/stream.bin"
port=$(( 20000 + RANDOM % 20000 ))
echo "| path between viewer and source | chunks written in ${SECONDS_PER_ROW} s (a 2 Mbit/s source serves ~$(( SECONDS_PER_ROW * 244 ))) | lost for good (a hole) | re-requested | longest stall (s) |"
echo "|---|---|---|---|---|"
row() {
  local label=$1; shift
  local src=$port relay=$((port + 1)); port=$((port + 2))
  rm -f "$work/swarm.id" "$work/out.bin"
  "${PEER[@]}" inject --listen 127.0.0.1:$src --input "$work/stream.bin" --rate-kbps 2000 --swarm-id-out "$work/swarm.id" \
      >/dev/null 2>"$work/inject.err" &
  local inject=$!
  "${PEER[@]}" netsim --listen 127.0.0.1:$relay --target 127.0.0.1:$src "$@" >/dev/null 2>"$work/netsim.err" &
  local netsim=$!
  for _ in $(seq 100); do [ -s "$work/swarm.id" ] && break; sleep 0.1; done
  "${PEER[@]}" join --swarm "$(cat "$work/swarm.id")" --peer 127.0.0.1:$relay --output "$work/out.bin" --tune-in 0 \
      --duration "$SECONDS_PER_ROW" 2>"$work/join.err" >/dev/null || true
  kill $inject $netsim 2>/dev/null || true
  wait $inject $netsim 2>/dev/null || true
  local summary chunks stall
  summary=$(grep -E '^verified=.*first_chunk_ms' "$work/join.err" | tail -n 1)
  chunks=$(( $(stat -c %s "$work/out.bin" 2>/dev/null || echo 0) / 1024 ))
  stall=$(grep -E '^verified=[0-9]+ rejected=[0-9]+ lost' "$work/join.err" | grep -v first_chunk_ms | awk '{print $1}' | \
      awk -F= 'BEGIN{run=0;max=0;prev=-1} {v=$2; if (v==prev && v>0) run++; else run=0; if (run>max) max=run; prev=v} END{print max}')
  echo "| $label | $chunks | $(echo "$summary" | sed -n 's/.*lost=\([0-9]*\).*/\1/p') | $(echo "$summary" | sed -n 's/.*rerequested=\([0-9]*\).*/\1/p') | $stall |"
}
ROWS=${ROWS:-}
if [ -n "$ROWS" ]; then eval "$ROWS"; else . bench/scripts/issue17-rows.sh; fi
