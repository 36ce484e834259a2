"""The SMTP relay's certificate is checked (mail/connection.py).

Flask-Mail's own STARTTLS checks nothing: a relay with any certificate at all, a
stranger's included, got the mail and the relay password. Against a loopback relay
that requires STARTTLS, with a certificate made here: refused while nobody vouches
for it, delivered once MAIL_TLS_CA_FILE names it.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask_mail import Message

from taskmanager import create_app
from taskmanager.mail import connection
from tests.support.smtp import SMTPServer


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that only itself vouches for, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "relay.pem", directory / "relay.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[tuple[SMTPServer, Path]]:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with SMTPServer(tls=context) as server:
        try:
            yield server, cert
        finally:
            connection.close()  # this process's kept connection goes to a server about to stop


def send_through(server: SMTPServer, **settings: object) -> None:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "tls-test-secret-key-that-is-long-enough-0123",
        "DATABASE_URL": "sqlite://", "BROKER_URL": "memory://", "REDIS_URL": "",
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
        "MAIL_USE_TLS": True,
        **settings,
    })  # fmt: skip
    with app.app_context():
        connection.send(
            Message("Over TLS", recipients=["someone@example.com"], body="Encrypted on the way.")
        )


def test_a_relay_nobody_vouches_for_gets_nothing(relay):
    server, _ = relay
    with pytest.raises(ssl.SSLCertVerificationError):
        send_through(server)
    assert server.inbox.messages == []


def test_a_relay_whose_certificate_is_named_gets_the_mail_over_tls(relay):
    server, cert = relay
    send_through(server, MAIL_TLS_CA_FILE=str(cert))
    [message] = server.inbox.messages  # the relay takes mail only after STARTTLS
    assert message["Subject"] == "Over TLS"
