-- Login scenario: POST /cocart/v2/login with Basic credentials, so every request verifies an
-- argon2id password hash. The Authorization header comes from BENCH_AUTH.
local dir = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
dofile(dir .. "common.lua")

wrk.method = "POST"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
