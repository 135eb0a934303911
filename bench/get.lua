-- GET scenarios (store, cart): the URL given to wrk carries the path and query.
-- No request()/response() functions, so wrk sends its pre-built request at full speed.
local dir = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.headers["Accept"] = "application/json"
