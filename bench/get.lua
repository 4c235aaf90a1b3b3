-- wrk script for the GET calls: every request is request number n of bench/common.py, built
-- the same way (its own phone number and id, so the default limits never refuse one).
--
--   wrk -tT -s bench/get.lua URL -- OFFSET LOGIN PASSWORD T KIND [PREFILL]
--
-- KIND: send1 / send3 (SMSC send.php, fmt=1 / fmt=3), status (SMSC status.php of prefilled
-- message n % PREFILL) or target (TargetSMS sendsms.php).

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk_report.lua")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local function phone(n)
  return "7999" .. string.format("%07d", n % 10000000)
end

function init(args)
  offset = tonumber(args[1]) or 0
  login = args[2] or "bench"
  password = args[3] or "bench"
  step = tonumber(args[4]) or 1  -- wrk's thread count: thread i takes i, i+step, ...
  kind = args[5] or "send3"
  prefill = tonumber(args[6]) or 1
  counter = 0
  auth = "?login=" .. login .. "&psw=" .. password
end

function request()
  local n = offset + counter * step + (index or 0)
  counter = counter + 1
  local path
  if kind == "status" then
    local m = n % prefill
    path = wrk.path .. auth .. "&phone=" .. phone(m) .. "&id="
      .. string.format("%d", math.floor(m / 1000) + 1) .. "&fmt=3"
  elseif kind == "target" then
    path = wrk.path .. "?user=" .. login .. "&pwd=" .. password .. "&sadr=Bench&dadr="
      .. phone(n) .. "&text=Test+message"
  else
    path = wrk.path .. auth .. "&phones=" .. phone(n) .. "&mes=Test+message&fmt="
      .. (kind == "send1" and "1" or "3") .. "&cost=3&id=" .. string.format("%d", n + 1)
  end
  return wrk.format("GET", path)
end
