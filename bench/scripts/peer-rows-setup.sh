# Sourced by relay-rows.sh and srt-rows.sh (from the repository root): a scratch directory removed on exit with the
# jobs started, and seedcast-peer built once and copied there as PEER.
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
./seedcast peer help >/dev/null 2>&1 || true   # builds seedcast-peer once
. ./scripts/env.sh
seedcast_find_jdk
cp peer/target/seedcast-peer.jar "$work/peer.jar"
PEER=("$JAVA_HOME/bin/java" -jar "$work/peer.jar")
