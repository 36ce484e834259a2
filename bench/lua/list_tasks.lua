-- GET /api/v1/projects/<BENCH_PROJECT>/tasks?per_page=<BENCH_PER_PAGE>&page=<random 1..BENCH_PAGES>
local token = os.getenv("BENCH_TOKEN")
local project = os.getenv("BENCH_PROJECT")
local per_page = os.getenv("BENCH_PER_PAGE") or "50"
local pages = tonumber(os.getenv("BENCH_PAGES") or "1")
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["X-Forwarded-Proto"] = "https"
math.randomseed(os.time())
request = function()
  local path = "/api/v1/projects/" .. project .. "/tasks?per_page=" .. per_page
  return wrk.format("GET", path .. "&page=" .. math.random(1, pages))
end
