"""Bare Flask for P1: the same ``/livez`` answer with no extension at all."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/livez")
def livez() -> dict[str, str]:
    return {"status": "ok"}
