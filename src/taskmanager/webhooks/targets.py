"""Where a webhook may be sent: public HTTPS addresses, checked when saved and when sent.

A webhook makes the server send requests to a URL someone typed, so without checks
anyone who may add one can reach what only the server reaches: the cloud metadata
service (169.254.169.254), loopback admin ports, the private network (SSRF). In
production the host is resolved and every address it resolves to must be public;
the check runs again at each delivery, and the request goes to the address that was
checked (a name that resolves elsewhere a second later gains nothing).
``WEBHOOK_ALLOW_PRIVATE_TARGETS`` lifts the rule in development and tests, where
receivers run on loopback, and then also allows plain http.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from taskmanager.config import is_production
from taskmanager.errors import Unprocessable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL = 2000


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def private_allowed(config: Mapping[str, Any]) -> bool:
    """``WEBHOOK_ALLOW_PRIVATE_TARGETS``; unset, private targets are allowed outside production."""
    setting = config.get("WEBHOOK_ALLOW_PRIVATE_TARGETS")
    return (not is_production(config)) if setting is None else bool(setting)


def _refuse(message: str) -> Unprocessable:
    # 422 in the API: the document says "https://...", not which hosts resolve, which
    # are private, or that this server takes http:// only when private targets are.
    return Unprocessable(details={"url": message})


def parse(url: str, *, allow_private: bool) -> Target:
    """The URL's parts, if it can be a webhook target at all (nothing resolved yet).

    Raises:
        Unprocessable: not an absolute https URL (http too when private targets
            are allowed), credentials in it, or no host.
    """
    if len(url) > MAX_URL:
        raise _refuse(f"Use at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an unbalanced [ or ] around an IPv6 address
        host = None
    schemes = ("https", "http") if allow_private else ("https",)
    if host is None or parts.scheme not in schemes:
        raise _refuse("Use an absolute HTTPS URL, like https://hooks.example.com/taskmanager.")
    if parts.username or parts.password:
        raise _refuse("Leave the user name and password out: receivers check the signature.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refuse("The port is not a number between 1 and 65535.") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path)


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is on the public internet (not private, loopback, link-local...)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(target: Target, *, allow_private: bool) -> list[str]:
    """Every address the target's host resolves to, all of them public unless allowed.

    Raises:
        Unprocessable: the host does not resolve, or one of its addresses is
            private, loopback, link-local or reserved.
    """
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(f"We could not find the host {target.host}; check the spelling.") from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in found))
    if not allow_private:
        for text in addresses:
            if not is_public(ipaddress.ip_address(text)):
                raise _refuse(
                    f"{target.host} points to a private, loopback or reserved address "
                    f"({text}); webhooks go to public addresses only."
                )
    return addresses


def check(url: str, *, allow_private: bool) -> Target:
    """``parse`` and, unless private targets are allowed, ``resolve``: the save-time check."""
    target = parse(url, allow_private=allow_private)
    if not allow_private:
        resolve(target, allow_private=False)
    return target
