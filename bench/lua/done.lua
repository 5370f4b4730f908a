-- Appended to every load script: the API key from the environment, and the results as one
-- JSON line that bench/wrk_runner.py parses (latencies in microseconds).
local api_key = os.getenv("PLAUDIT_BENCH_API_KEY")
if api_key then
  wrk.headers["Authorization"] = "Token token=" .. api_key
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%.1f,"p99_us":%.1f,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
