"""Canary for verify/semgrep.yml: each pattern below must be caught. Never imported."""

import io

import jwt
import sqlalchemy
from flask import Flask
from flask import send_file
from flask import send_from_directory
from flask_jwt_extended import decode_token
from markupsafe import Markup

app = Flask(__name__)


def jwt_off(token, key):
    jwt.decode(token, key, algorithms=["HS256"], options={"verify_signature": False})
    return decode_token(token, allow_expired=True)


def formatted_sql(session, name):
    session.execute(sqlalchemy.text(f"SELECT * FROM users WHERE name = '{name}'"))
    session.execute("DELETE FROM users WHERE name = '%s'" % name)


def user_path(name):
    send_from_directory("/srv/files", name)
    return send_file(name)


def fine():
    return send_file(io.BytesIO(b"x"), download_name="x.txt")


def trusted(value):
    return Markup(value)


app.run(debug=True)
