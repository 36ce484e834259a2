#!/usr/bin/env bash
# The last thing `make run` prints: once the web process answers, the address and the
# demo login, so a newcomer finds them below the start-up logs instead of above them.
# It then idles, because honcho stops every process when one of them exits.
# honcho gives each process its own PORT (base + 100 per line), so make passes the web's.
port="${RUN_PORT:-5000}"
for _ in $(seq 60); do
  python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:${port}/livez', timeout=1)" \
    2>/dev/null && break
  sleep 0.5
done
sleep 3  # let the worker and beat print their start-up banners first
echo "=================================================================="
echo "  TaskManager is running: http://127.0.0.1:${port}"
sed 's/^/  /' instance/demo-login.txt 2>/dev/null
echo "  Emails (confirmation links) land at http://127.0.0.1:${port}/dev/outbox"
echo "  Ctrl-C stops the web app, the worker and beat."
echo "=================================================================="
exec sleep infinity
