-- GET /livez (or BENCH_PATH) as a proxy would send it.
local path = os.getenv("BENCH_PATH") or "/livez"
wrk.headers["X-Forwarded-Proto"] = "https"
request = function()
  return wrk.format("GET", path)
end
