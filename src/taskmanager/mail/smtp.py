"""One SMTP connection per process, opened on first use and kept open between messages.

A new connection for every message (connect, EHLO, maybe STARTTLS and AUTH, then
QUIT) cost a worker more than building the message did. The connection is reused
while it works; one that the server closed while idle (its idle timeout, a restart)
is noticed at the message's first command and replaced once, before any of the
message has been sent, so reuse can neither lose a message nor send it twice. Any
other failure discards the connection and reaches the job, whose retry sends again
on a fresh one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import smtplib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from celery.signals import worker_process_shutdown

# Replies and errors that mean the server is gone, not that it refused this message.
SERVER_CLOSING = 421
CONNECTION_LOST = (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError)


@dataclass(frozen=True)
class SMTPSettings:
    """Where and how to connect: the app's ``MAIL_*`` settings."""

    server: str
    port: int
    use_ssl: bool
    use_tls: bool
    username: str | None
    password: str | None
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SMTPSettings:
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            timeout=float(config["MAIL_TIMEOUT"]),
        )


class _Gone(smtplib.SMTPServerDisconnected):
    """The server had closed the session when this message's first command went out."""


class Relay:
    """This process's connection to the SMTP server, shared by its jobs one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._smtp: smtplib.SMTP | None = None
        self._settings: SMTPSettings | None = None
        # A forked child must not talk on its parent's socket: the session is the parent's.
        self._pid = 0
        self._hooked = False

    def send(self, payload: bytes, *, sender: str, recipient: str, settings: SMTPSettings) -> None:
        """Deliver ``payload`` (a flattened message) to ``recipient``.

        Raises what smtplib raises (``SMTPException``, ``OSError``) when the message
        may not have been accepted; the connection is then discarded.
        """
        with self._lock:
            smtp, reused = self._connection(settings)
            try:
                try:
                    _mail_from(smtp, sender, size=len(payload))
                except _Gone:
                    if not reused:
                        raise
                    self._discard()
                    smtp, _ = self._connection(settings)
                    _mail_from(smtp, sender, size=len(payload))
                _rcpt_and_data(smtp, recipient, payload)
            except BaseException:
                self._discard()
                raise

    def close(self) -> None:
        """Say QUIT and close; the next message connects again."""
        # Bounded: at interpreter exit a daemon thread may hold the lock forever.
        if not self._lock.acquire(timeout=5):
            return
        try:
            if self._smtp is not None and self._pid == os.getpid():
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    self._smtp.quit()  # a server already gone needs no goodbye
            self._discard()
        finally:
            self._lock.release()

    def _connection(self, settings: SMTPSettings) -> tuple[smtplib.SMTP, bool]:
        """The open connection for ``settings`` and whether it served a message before."""
        if self._pid != os.getpid():
            self._smtp = None  # the parent's; leave its socket to the parent
        if self._smtp is not None and self._settings != settings:
            self._discard()
        if self._smtp is not None:
            return self._smtp, True
        self._smtp = _open(settings)
        self._settings = settings
        self._pid = os.getpid()
        self._hook_shutdown()
        return self._smtp, False

    def _discard(self) -> None:
        if self._smtp is not None and self._pid == os.getpid():
            self._smtp.close()
        self._smtp = None
        self._settings = None

    def _hook_shutdown(self) -> None:
        """QUIT when this process ends: prefork children leave by ``os._exit``, past atexit."""
        if self._hooked:
            return
        worker_process_shutdown.connect(self._on_worker_process_shutdown, weak=False)
        atexit.register(self.close)
        self._hooked = True

    def _on_worker_process_shutdown(self, **kwargs: object) -> None:
        self.close()


def _open(settings: SMTPSettings) -> smtplib.SMTP:
    factory = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    smtp = factory(settings.server, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo_or_helo_if_needed()
        if settings.use_tls:
            smtp.starttls()
            smtp.ehlo_or_helo_if_needed()
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _mail_from(smtp: smtplib.SMTP, sender: str, *, size: int) -> None:
    """MAIL FROM. Raises ``_Gone`` when the server turns out to have closed the session.

    Nothing of the message has been sent when this fails, so sending it again on a
    new connection cannot make a second copy.
    """
    options = [f"SIZE={size}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    try:
        code, reply = smtp.mail(sender, options)
    except CONNECTION_LOST as error:
        raise _Gone(f"the SMTP server closed the connection: {error!r}") from error
    if code == SERVER_CLOSING:
        raise _Gone(f"the SMTP server is closing the connection: {reply!r}")
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)


def _rcpt_and_data(smtp: smtplib.SMTP, recipient: str, payload: bytes) -> None:
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.data(payload)
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


# The process's one relay; ``delivery.transmit`` sends through it.
relay = Relay()
