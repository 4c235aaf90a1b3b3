-- wrk script for SMSC SOAP: every request POSTs send_sms of a new message to its own number. Must
-- build the same envelope as bench/common.py:soap_body().
--
--   wrk -t1 -s bench/soap.lua http://127.0.0.1:PORT/sys/soap.php -- OFFSET LOGIN PASSWORD

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk_report.lua")

function init(args)
  offset = tonumber(args[1]) or 0
  login = args[2] or "bench"
  password = args[3] or "bench"
  counter = 0
  head = '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
    .. '<soap-env:Body><ns0:send xmlns:ns0="http://smsc.ru/sys/soap.php"><login>' .. login
    .. "</login><psw>" .. password .. "</psw><phones>7999"
end

function request()
  local n = offset + counter
  counter = counter + 1
  local body = head .. string.format("%07d", n % 10000000)
    .. "</phones><mes>Test message</mes><id>" .. string.format("%d", n + 1)
    .. "</id></ns0:send></soap-env:Body></soap-env:Envelope>"
  return wrk.format("POST", nil, {["Content-Type"] = "text/xml; charset=utf-8",
    ["SOAPAction"] = '"http://smsc.ru/sys/soap.php"'}, body)
end
