-- wrk script: one JSON line with the figures run.py reads (wrk --latency prints p50/p90/p99, not p95).
-- Extra request headers (the session cookie) come from wrk's -H options.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"p99_ms": %.3f, "non_2xx_3xx": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end
