# The paths of issue 17's table (and two more), for relay-rows.sh and srt-rows.sh: each calls `row LABEL NETSIM-ARGS...`.
row "no delay, no loss"
row "10 ms RTT" --rtt 10ms
row "25 ms RTT" --rtt 25ms
row "50 ms RTT" --rtt 50ms
row "50 ms RTT, ±5 ms jitter" --rtt 50ms --jitter 5ms
row "10 ms RTT, 2 % loss" --rtt 10ms --loss 2%
row "50 ms RTT ±5 ms, 5 % loss" --rtt 50ms --jitter 5ms --loss 5%
row "100 ms RTT ±5 ms, 1 % loss" --rtt 100ms --jitter 5ms --loss 1%
row "200 ms RTT ±10 ms, 3 % loss" --rtt 200ms --jitter 10ms --loss 3%
row "50 ms RTT, 2 % loss in bursts of 4" --rtt 50ms --burst-loss 2% --burst-length 4
