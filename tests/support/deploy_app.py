"""The production app plus one slow route, served by the deployment tests' servers.

``/_test/slow?seconds=2`` holds a request open, so a test can have requests in
flight when it stops a server. Everything else is ``taskmanager.wsgi:app`` itself.
"""

import time

from flask import request

from taskmanager import create_app

app = create_app()


@app.get("/_test/slow")
def slow() -> dict[str, float]:
    seconds = min(float(request.args.get("seconds", "2")), 10.0)
    time.sleep(seconds)
    return {"slept": seconds}
