-- GET /api/v1/tasks/<random id>: BENCH_TOKEN, BENCH_FIRST and BENCH_LAST from the environment.
local token = os.getenv("BENCH_TOKEN")
local first = tonumber(os.getenv("BENCH_FIRST"))
local last = tonumber(os.getenv("BENCH_LAST"))
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["X-Forwarded-Proto"] = "https"
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/tasks/" .. math.random(first, last))
end
