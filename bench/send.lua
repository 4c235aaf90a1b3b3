-- wrk script: every request is a new message (its own id and phone number), so the emulator's
-- limits (duplicate_send, per_number_flood) never refuse one. Must build the same query as
-- bench/common.py:query().
--
--   wrk -tT -s bench/send.lua http://127.0.0.1:PORT/sys/send.php -- OFFSET LOGIN PASSWORD T

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  offset = tonumber(args[1]) or 0
  login = args[2] or "bench"
  password = args[3] or "bench"
  step = tonumber(args[4]) or 1  -- wrk's thread count: thread i takes i, i+step, ...
  counter = 0
  base = wrk.path .. "?login=" .. login .. "&psw=" .. password .. "&phones=7999"
end

function request()
  local n = offset + counter * step + (index or 0)
  counter = counter + 1
  local path = base .. string.format("%07d", n % 10000000)
    .. "&mes=Test+message&fmt=3&cost=3&id=" .. string.format("%d", n + 1)
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
end
