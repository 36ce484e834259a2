-- POST /api/v1/projects/<BENCH_PROJECT>/tasks with a fresh title each time.
local token = os.getenv("BENCH_TOKEN")
local project = os.getenv("BENCH_PROJECT")
local priorities = {"low", "normal", "high", "urgent"}
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"title": "Benchmark task %d", "priority": "%s"}',
    counter, priorities[1 + counter % 4])
  return wrk.format("POST", "/api/v1/projects/" .. project .. "/tasks", nil, body)
end
