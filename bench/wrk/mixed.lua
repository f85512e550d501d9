-- Mixed load for the memory run (bench/memory.ts): client_credentials, introspection of a live
-- token and userinfo, in turn, on one connection pool.
--   BENCH_AUTH  client_secret_basic header   BENCH_INTROSPECT  a live access token (any)
--   BENCH_USERINFO  an access token with openid profile email
local basic = os.getenv("BENCH_AUTH")
local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = basic }
local bearer = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_USERINFO") }
local introspect = "token=" .. os.getenv("BENCH_INTROSPECT")
local n = 0

request = function()
  n = n + 1
  local k = n % 3
  if k == 0 then return wrk.format("POST", "/oauth/token", form, "grant_type=client_credentials") end
  if k == 1 then return wrk.format("POST", "/oauth/introspect", form, introspect) end
  return wrk.format("GET", "/oauth/userinfo", bearer, nil)
end
