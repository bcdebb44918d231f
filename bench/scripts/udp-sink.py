#!/usr/bin/env python3
"""Receives what udp-pacer.py sent (through SRT) on PORT for SECONDS and prints: received, missing (never came, between
the first and the highest sequence seen), the longest gap between arrivals in ms, one-way delay p50/p99 in ms, and the
first sequence seen (datagrams before it were sent before the SRT connection was up)."""
import socket, struct, sys, time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
s.settimeout(0.2)
seen = set()
delays = []
last = None
gap = 0.0
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        data = s.recv(65536)
    except socket.timeout:
        continue
    now = time.monotonic_ns()
    if len(data) < 16:
        continue
    seq, sent = struct.unpack(">QQ", data[:16])
    if last is not None:
        gap = max(gap, (now - last) / 1e6)
    last = now
    seen.add(seq)
    delays.append((now - sent) / 1e6)
delays.sort()
top = max(seen) if seen else -1
first = min(seen) if seen else 0
p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] if delays else -1
print(len(seen), top + 1 - first - len(seen), round(gap), round(p(0.5)), round(p(0.99)), first)
