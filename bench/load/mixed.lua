-- The load run's traffic, for wrk (bench/load/load.py runs it): a fixed rotation of requests, each
-- of a class with the one status it must get, and the count of each status per class.
--
--   TESSERA_LOAD_CONFIG=classes.lua wrk -t2 -c2 -d10s --latency -s bench/load/mixed.lua http://127.0.0.1:PORT
--
-- TESSERA_LOAD_CONFIG names a Lua file (load.py writes it) returning a list of classes:
--   { name = "valid token", method = "GET", path = "/v2/orgs/org_a/orders",
--     headers = { Authorization = "Bearer ..." }, body = nil, expect = 200, weight = 8 }, ...
-- Run with one connection per thread (-c equal to -t): a thread then has at most one request in
-- flight, so the class of each answer is the class of the thread's last request. done() adds up
-- every thread's counts and prints one line, "tessera-load " followed by JSON, that load.py reads.

local classes = dofile(assert(os.getenv("TESSERA_LOAD_CONFIG"), "TESSERA_LOAD_CONFIG is not set"))

-- The rotation (round r takes every class whose weight is at least r) and each request's bytes,
-- built in init(), once wrk has set the Host header.
local rotation, wire = {}, {}
local function build()
  local heaviest = 0
  for _, c in ipairs(classes) do heaviest = math.max(heaviest, c.weight or 1) end
  for r = 1, heaviest do
    for i, c in ipairs(classes) do
      if (c.weight or 1) >= r then
        rotation[#rotation + 1] = i
        wire[#wire + 1] = wrk.format(c.method, c.path, c.headers, c.body)
      end
    end
  end
end

local threads = {}

-- Main state: gives each thread its starting point in the rotation and keeps it for done().
function setup(thread)
  thread:set("start", #threads * 7)
  threads[#threads + 1] = thread
end

counts = {}   -- class * 1000 + status -> answers (flat: wrk copies flat tables between states)
local at, pending = 0, 1

-- Thread state: the starting point setup() gave.
function init(args)
  build()
  at = (start or 0) % #wire
end

-- The next request of the rotation; its class is the one the next answer is counted under.
function request()
  at = at % #wire + 1
  pending = rotation[at]
  return wire[at]
end

-- Counts the answer under the class of the request in flight.
function response(status, headers, body)
  local k = pending * 1000 + status
  counts[k] = (counts[k] or 0) + 1
end

-- A JSON string literal.
local function quote(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(ch) return string.format("\\u%04x", ch:byte()) end) .. '"'
end

-- Main state: every thread's counts, the wrong verdicts, the errors and latency, as one JSON line.
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, n in pairs(t:get("counts") or {}) do total[k] = (total[k] or 0) + n end
  end
  local out = {}
  for i, c in ipairs(classes) do
    local statuses, wrong = {}, 0
    for k, n in pairs(total) do
      if math.floor(k / 1000) == i then
        statuses[#statuses + 1] = string.format('"%d":%d', k % 1000, n)
        if k % 1000 ~= c.expect then wrong = wrong + n end
      end
    end
    table.sort(statuses)
    out[#out + 1] = string.format('{"name":%s,"expect":%d,"statuses":{%s},"wrong":%d}',
                                  quote(c.name), c.expect, table.concat(statuses, ","), wrong)
  end
  local e = summary.errors
  io.write(string.format('tessera-load {"requests":%d,"duration_us":%d,"p50_us":%.1f,"p90_us":%.1f,' ..
                         '"p99_us":%.1f,"max_us":%.1f,"errors":{"connect":%d,"read":%d,"write":%d,' ..
                         '"timeout":%d},"classes":[%s]}\n',
                         summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
                         latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout,
                         table.concat(out, ",")))
end
