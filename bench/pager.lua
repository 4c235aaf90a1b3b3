-- wrk script for SMS-Pager: every request POSTs a new mailing to its own number. Must build the
-- same body as bench/common.py:pager_body().
--
--   wrk -t1 -s bench/pager.lua http://127.0.0.1:PORT/send.xml -- OFFSET LOGIN PASSWORD

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk_report.lua")

function init(args)
  offset = tonumber(args[1]) or 0
  login = args[2] or "bench"
  password = args[3] or "bench"
  counter = 0
  head = "<?xml version='1.0' encoding='UTF-8'?><data><login>" .. login
    .. "</login><password>" .. password .. "</password><text>Test message</text>"
    .. "<to number='7999"
end

function request()
  local n = offset + counter
  counter = counter + 1
  local body = head .. string.format("%07d", n % 10000000) .. "'></to></data>"
  return wrk.format("POST", nil, {["Content-Type"] = "text/xml"}, body)
end
