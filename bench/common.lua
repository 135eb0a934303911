-- Shared reporting for the cartd wrk scenarios (loaded by the bench/*.lua scripts).
--
-- done() prints ONE machine-readable line, e.g.
--   BENCH scenario=get_store rps=12345.6 p50_ms=2.104 p99_ms=9.870 requests=123456 non2xx=0 ok2xx=123456 ...
-- The scenario name comes from the environment variable BENCH_SCENARIO (done() runs in wrk's
-- main Lua state, which never sees the script arguments).
--
-- Scripts that define response() count 2xx / non-2xx exactly per thread (counted=1); the others
-- use wrk's own counter summary.errors.status, which counts responses with status >= 400
-- (counted=0). Defining response() makes wrk hand every response to Lua, which costs throughput,
-- so only the correctness scenario (hot cart) does it.

bench_threads = {}

function setup(thread)
   table.insert(bench_threads, thread)
end

local function num(v)
   return tonumber(v) or 0
end

function done(summary, latency, requests)
   local name = os.getenv("BENCH_SCENARIO") or "unnamed"
   local secs = summary.duration / 1e6
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write
   local sent, ok, bad, counted = 0, 0, 0, 0
   local sample_status, sample_body = "", ""
   for _, t in ipairs(bench_threads) do
      if t:get("counted") then
         counted = 1
         sent = sent + num(t:get("sent"))
         ok = ok + num(t:get("ok2xx"))
         bad = bad + num(t:get("non2xx"))
         local s = t:get("sample_status")
         if s and sample_status == "" then
            sample_status = tostring(s)
            sample_body = tostring(t:get("sample_body") or "")
         end
      end
   end
   if counted == 0 then
      bad = e.status
      ok = summary.requests - e.status
      sent = -1
   end
   io.write(string.format(
      "BENCH scenario=%s rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d ok2xx=%d sent=%d socket_errors=%d timeouts=%d counted=%d duration_s=%.2f\n",
      name, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, summary.requests, bad, ok, sent, socket_errors, e.timeout, counted, secs))
   if sample_status ~= "" then
      -- One sample of a non-2xx answer, for diagnosis (body cut to 300 bytes, newlines removed).
      io.write(string.format("BENCH_SAMPLE scenario=%s status=%s body=%s\n", name, sample_status,
         (sample_body:gsub("[\r\n]", " "))))
   end
end
