"""Two-factor setup keeps its QR code when a code is mistyped; its code page is safe to GET.

Flask-Security answers a wrong code during setup with a redirect to a fresh setup
page: the QR code the user just scanned is gone and pressing the button again makes
a new secret, so the code in their app never matches. This wraps that one view: on a
wrong code the same page comes back, with the same QR code (rebuilt from the signed
setup state Flask-Security put in the form's URL) and the error next to the code field.
Every other outcome (success, an expired or forged state, JSON clients) is untouched.
"""

from __future__ import annotations

from functools import wraps
from typing import cast

from flask import Flask
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask.typing import RouteCallable
from flask_security import check_and_get_token_status
from flask_security import current_user
from flask_security.utils import get_message
from werkzeug import Response

from taskmanager.accounts.security import current_security

ENDPOINT = "security.two_factor_setup_validate"
VALIDATE = "security.two_factor_token_validation"
WRONG_CODE = (
    "That code did not match. Enter the code your app shows now (it changes every"
    " 30 seconds); the QR code above is still the one to scan."
)


def _wants_page() -> bool:
    return request.method == "POST" and not request.is_json


def _state(token: str) -> dict[str, str] | None:
    within = current_app.config["SECURITY_TWO_FACTOR_SETUP_WITHIN"]
    expired, invalid, state = check_and_get_token_status(token, "tf_setup", within)
    return None if expired or invalid or not state else state


def _took_wrong_code() -> bool:
    """Whether the view just flashed "Invalid code" (success redirects to the same page).

    On a wrong code the flash is dropped: the page we show says it next to the field.
    """
    flashes = session.get("_flashes") or []
    invalid = get_message("TWO_FACTOR_INVALID_TOKEN")
    if flashes and tuple(flashes[-1]) == (invalid[1], invalid[0]):
        session["_flashes"] = flashes[:-1]
        return True
    return False


def _keep_qr_code(view: RouteCallable) -> RouteCallable:
    @wraps(view)
    def validate(token: str) -> ResponseReturnValue:  # Flask-Security's view is sync
        state = _state(token) if _wants_page() else None
        response = cast(ResponseReturnValue, view(token=token))
        if state is None or not isinstance(response, Response) or response.status_code != 302:
            return response
        if not _took_wrong_code():
            return response
        values = current_security().totp_factory.fetch_setup_values(
            state["totp_secret"], current_user
        )
        page = render_template(
            "security/two_factor_setup.html",
            chosen_method=state["method"],
            changing=True,
            state_token=token,
            authr_qrcode=values["image"],
            authr_key=values["key"],
            authr_username=values["username"],
            authr_issuer=values["issuer"],
            code_error=WRONG_CODE,
        )
        return page

    return validate


def _no_sign_out_on_get(view: RouteCallable) -> RouteCallable:
    """A GET of the code page by a signed-in user with no setup under way changes nothing.

    Flask-Security signs such a user out ("attack-ish"), which any other site could
    trigger with an image tag: a GET must not change state (quality.md R7). They are
    sent to their settings instead; a POST still meets Flask-Security's own rule.
    """

    @wraps(view)
    def validate() -> ResponseReturnValue:
        if (
            request.method == "GET"
            and current_user.is_authenticated
            and session.get("tf_state") != "validating_profile"
        ):
            return redirect(url_for("accounts.settings"))
        return cast(ResponseReturnValue, view())

    return validate


def init_app(app: Flask) -> None:
    """Wrap the two-factor validation views (call after Flask-Security is set up)."""
    app.view_functions[ENDPOINT] = _keep_qr_code(app.view_functions[ENDPOINT])
    app.view_functions[VALIDATE] = _no_sign_out_on_get(app.view_functions[VALIDATE])
