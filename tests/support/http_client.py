"""A small HTTP client for the deployment tests: a browser's cookies and CSRF tokens.

The production app sets ``Secure`` ``__Host-`` cookies. Browsers send them to
http://127.0.0.1 (a secure context), but Python's cookie jar does not, so this
client keeps the cookies itself.
"""

from __future__ import annotations

import re
from typing import Any

import requests

CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class Browser:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.request_ids: list[str] = []

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if method != "GET":  # as a browser submitting a form of this site
            headers.setdefault("Referer", f"{self.base_url}{path}")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        response = self.http.request(method, self.base_url + path, headers=headers, **kwargs)
        self.http.cookies.clear()
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value or ""
        self.request_ids.append(response.headers["X-Request-ID"])
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = CSRF_RE.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status_code})"
        return match.group(1)
