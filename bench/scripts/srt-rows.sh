#!/usr/bin/env bash
# The reference issue 17 asks us to beat: the same 2 Mbit/s live source through the same user-space relay
# (`seedcast netsim`, each direction alike), carried by SRT 1.5 (`srt-live-transmit`, 500 ms latency, live mode) instead
# of PPSPP. A paced UDP source numbers and timestamps each 1316-byte datagram (bench/scripts/udp-pacer.py); the receiver
# (udp-sink.py) counts what came, what never came, the longest gap between arrivals and the one-way delay.
# Run it beside bench/scripts/relay-rows.sh (ours, same rows). Needs `srt-tools` (apt-get install srt-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_ROW=${1:-60}
command -v srt-live-transmit >/dev/null || { echo "srt-live-transmit missing: apt-get install srt-tools" >&2; exit 2; }
. bench/scripts/peer-rows-setup.sh
port=$(( 20000 + RANDOM % 20000 ))
sent=$(( SECONDS_PER_ROW * 2000000 / 8 / 1316 ))
echo "| path between viewer and source | SRT: datagrams delivered of ~$sent | never delivered | longest gap (ms) | one-way delay p50 / p99 (ms) | sent before SRT connected |"
echo "|---|---|---|---|---|---|"
row() {
  local label=$1; shift
  local in=$port src=$((port + 1)) relay=$((port + 2)) out=$((port + 3)); port=$((port + 4))
  srt-live-transmit -q "udp://127.0.0.1:$in" "srt://:$src?mode=listener&latency=500" 2>"$work/srt-send.err" &
  local sender=$!
  "${PEER[@]}" netsim --listen 127.0.0.1:$relay --target 127.0.0.1:$src "$@" >/dev/null 2>"$work/netsim.err" &
  local netsim=$!
  sleep 1.5
  srt-live-transmit -q "srt://127.0.0.1:$relay?mode=caller&latency=500" "udp://127.0.0.1:$out" 2>"$work/srt-recv.err" &
  local receiver=$!
  python3 bench/scripts/udp-sink.py $out $((SECONDS_PER_ROW + 4)) > "$work/sink.out" &
  local sink=$!
  sleep 1.5
  python3 bench/scripts/udp-pacer.py 127.0.0.1 $in 2000 "$SECONDS_PER_ROW" 2>/dev/null
  wait $sink || true
  kill $sender $netsim $receiver 2>/dev/null || true
  wait $sender $netsim $receiver 2>/dev/null || true
  read -r got missing gap p50 p99 first < "$work/sink.out"
  echo "| $label | $got | $missing | $gap | $p50 / $p99 | $first |"
}
ROWS=${ROWS:-}
if [ -n "$ROWS" ]; then eval "$ROWS"; else . bench/scripts/issue17-rows.sh; fi
