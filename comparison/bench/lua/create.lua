-- POST /api/v1/posts as a logged-in user (token from the environment).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BLOG_TOKEN")
wrk.body = '{"title": "A benchmark post", "body": "Written by wrk to measure POST /api/v1/posts."}'
