-- One-use credentials (rotated refresh tokens, authorization codes): each request takes the next
-- line of BENCH_FEED and POSTs BENCH_BODY with every "{}" replaced by it. bench/run.ts mints more
-- lines than a run can use; if they ran out anyway the requests would fail and show up as errors.
--   BENCH_FEED  file of values, one a line     BENCH_BODY  form body template
--   BENCH_AUTH  Authorization header (client_secret_basic)
--   BENCH_COOKIE  Cookie header (optional; the login flood's CSRF cookie)
local values = {}
for line in io.lines(os.getenv("BENCH_FEED")) do
  if line ~= "" then values[#values + 1] = line end
end
local template = os.getenv("BENCH_BODY")
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Authorization"] = os.getenv("BENCH_AUTH"),
}
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then headers["Cookie"] = cookie end
local n = 0

request = function()
  n = n + 1
  local value = values[((n - 1) % #values) + 1]
  local body = template:gsub("{}", function() return value end)
  return wrk.format("POST", nil, headers, body)
end
