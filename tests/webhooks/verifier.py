"""A Standard Webhooks verifier written from the specification, not from the product.

The specification (standard-webhooks.md, "Verifying webhooks"): the signed content is
the webhook id, the timestamp and the body joined by full stops; the signature is the
base64 of its HMAC-SHA256 under the secret, whose bytes are the base64 after the
``whsec_`` prefix; ``webhook-signature`` holds space-delimited ``v1,<signature>``
entries, and a message verifies if any one of them matches. Timestamps outside a
tolerance (five minutes) are refused against replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

TOLERANCE = 5 * 60


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    message_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    content = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for entry in headers["webhook-signature"].split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False
