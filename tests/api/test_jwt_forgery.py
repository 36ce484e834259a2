"""R8: forged, expired or misused tokens are refused, every one of them."""

import time

import jwt
import pytest

from tests.api.conftest import Api
from tests.api.conftest import sign_in

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def genuine(app, client, user):
    pair = sign_in(client, user)
    claims = jwt.decode(
        pair["access_token"], SECRET, algorithms=["HS256"], audience="taskmanager-api"
    )
    return {"pair": pair, "claims": claims}


def forge(claims, *, key=SECRET, algorithm="HS256", **changes):
    payload = {**claims, **changes}
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


def unsigned(claims):
    return jwt.encode(claims, None, algorithm="none")


def tampered(token):
    header, payload, signature = token.split(".")
    import base64
    import json

    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["sub"] = str(int(data["sub"]) + 1)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


FORGERIES = {
    "alg none": lambda g: unsigned(g["claims"]),
    "HS512 instead of HS256": lambda g: forge(g["claims"], algorithm="HS512"),
    "wrong key": lambda g: forge(g["claims"], key="another-key-that-is-long-enough-000000"),
    "expired": lambda g: forge(g["claims"], exp=int(time.time()) - 60),
    "no exp": lambda g: forge(g["claims"], exp=None),
    "refresh used as access": lambda g: g["pair"]["refresh_token"],
    "wrong audience": lambda g: forge(g["claims"], aud="someone-else"),
    "no audience": lambda g: forge(g["claims"], aud=None),
    "tampered payload": lambda g: tampered(g["pair"]["access_token"]),
    "not a JWT": lambda g: "garbage",
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_token_is_refused(client, genuine, name):
    token = FORGERIES[name](genuine)
    response = Api(client, token).get("/me")
    assert response.status_code == 401
    assert response.json["error"] in {"unauthorized", "token_expired"}


def test_an_expired_token_says_so(client, genuine):
    token = forge(genuine["claims"], exp=int(time.time()) - 60)
    assert Api(client, token).get("/me").json["error"] == "token_expired"


def test_the_genuine_token_is_accepted(client, genuine):
    assert Api(client, genuine["pair"]["access_token"]).get("/me").status_code == 200


def test_no_token_is_401_in_the_error_shape(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json) >= {"error", "message"}
