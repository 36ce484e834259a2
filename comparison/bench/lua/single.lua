-- GET /api/v1/posts/<id> with an id drawn uniformly from the seeded range.
local lo = tonumber(os.getenv("POST_ID_MIN"))
local hi = tonumber(os.getenv("POST_ID_MAX"))

request = function()
  return wrk.format("GET", "/api/v1/posts/" .. math.random(lo, hi))
end
