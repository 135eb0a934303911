-- POST /cart/add-item with a JSON body. Used for the "fresh carts" scenario: the URL has no
-- cart_key and wrk keeps no cookies, so every request creates a brand-new cart row.
-- BENCH_PRODUCT (default 48, Beanie) and BENCH_QUANTITY (default 1) choose the line added.
local dir = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
dofile(dir .. "common.lua")

local product = os.getenv("BENCH_PRODUCT") or "48"
local quantity = os.getenv("BENCH_QUANTITY") or "1"

wrk.method = "POST"
wrk.body = string.format('{"id":"%s","quantity":"%s"}', product, quantity)
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
