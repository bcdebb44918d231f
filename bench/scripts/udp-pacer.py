#!/usr/bin/env python3
"""Sends SECONDS of datagrams of SIZE bytes to HOST:PORT at KBPS, each starting with its sequence number and the
CLOCK_MONOTONIC time it left (the receiver, on the same machine, reads both): a live source for SRT's tools."""
import socket, struct, sys, time

host, port, kbps, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
size = int(sys.argv[5]) if len(sys.argv) > 5 else 1316
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
period = size * 8 / (kbps * 1000)
filler = bytes(size - 16)
start = time.monotonic()
seq = 0
while True:
    due = start + seq * period
    now = time.monotonic()
    if due - start > seconds:
        break
    if due > now:
        time.sleep(due - now)
    s.sendto(struct.pack(">QQ", seq, time.monotonic_ns()) + filler, (host, port))
    seq += 1
print(seq, file=sys.stderr)
