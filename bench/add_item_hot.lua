-- POST /cart/add-item to ONE cart (the URL given to wrk carries ?cart_key=HOT): every request
-- adds the same product, so the line's quantity grows by BENCH_QUANTITY per acknowledged write.
--
-- This script counts exactly, per thread: requests handed to the socket (sent), 2xx answers
-- (ok2xx) and other answers (non2xx), and keeps one non-2xx sample. run.sh compares ok2xx with
-- the cart's item count afterwards. Requests still in flight when wrk stops (at most one per
-- connection) are in `sent` but never answered: the server may or may not have applied them.
local dir = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
dofile(dir .. "common.lua")

local product = os.getenv("BENCH_PRODUCT") or "48"
local quantity = os.getenv("BENCH_QUANTITY") or "1"

wrk.method = "POST"
wrk.body = string.format('{"id":"%s","quantity":"%s"}', product, quantity)
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local req

function init(args)
   counted = true
   sent, ok2xx, non2xx = 0, 0, 0
   req = wrk.format()
end

function request()
   sent = sent + 1
   return req
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok2xx = ok2xx + 1
   else
      non2xx = non2xx + 1
      if sample_status == nil then
         sample_status = status
         sample_body = string.sub(body or "", 1, 300)
      end
   end
end
