"""One Flask-Mail SMTP connection per process, kept open from one message to the next.

``mail.send`` opens a connection for every message (connect, EHLO, maybe STARTTLS
and AUTH, then QUIT), which costs a worker about as much as the message itself
(bench/NOTES.md, P9). Flask-Mail's own Connection (what ``mail.connect()`` gives)
can carry many messages: each process keeps one and reuses it. Reuse changes no delivery promise:

- Before a kept connection carries a message, it is checked (``_still_open``). One
  the server closed meanwhile (an idle timeout, a restart, a limit of messages per
  connection) is replaced before any of the message was sent, so the message is
  neither lost nor sent twice.
- A failure while sending discards the connection (the session's state is unknown)
  and reaches the job exactly as before: the attempt is recorded and the job is
  retried, on a new connection.
- A connection belongs to the process that opened it. A forked child (a prefork
  pool process) opens its own on first use: two processes writing to one SMTP
  session would interleave their commands.
- A worker process says QUIT on its way out (Celery's shutdown signals: prefork
  pool processes leave by ``os._exit``, past ``atexit``).

One connection and a lock per process: a prefork or solo worker runs one job at a
time per process, so the lock never waits there.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import smtplib
import ssl
import threading
import time

from celery.signals import worker_process_shutdown
from celery.signals import worker_shutdown
from flask import current_app
from flask_mail import Connection
from flask_mail import Message

# A connection idle this long is asked with a NOOP before it carries a message: a
# process sending steadily (messages milliseconds apart) never pays the round trip,
# and a quiet one pays it when a millisecond does not matter.
PROBE_AFTER_IDLE_SECONDS = 10.0


class _Verified(Connection):
    """Flask-Mail's connection, with the relay's certificate checked.

    Flask-Mail calls ``starttls()`` and ``SMTP_SSL`` without an SSL context, and
    Python then checks neither the certificate nor the host name: anyone on the way
    to the relay could read the mail and the relay's password. This is its
    ``configure_host`` with a verifying context, the one thing it does differently.
    """

    def configure_host(self) -> smtplib.SMTP:
        cafile = current_app.config.get("MAIL_TLS_CA_FILE") or None
        context = ssl.create_default_context(cafile=cafile)
        host: smtplib.SMTP
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, context=context)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls(context=context)
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class _Kept:
    """This process's connection, opened on first use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connection: Connection | None = None
        self.last_used = 0.0

    def send(self, message: Message) -> None:
        with self.lock:
            connection = self._usable()
            try:
                connection.send(message)
            except BaseException:
                self._drop(polite=False)
                raise
            finally:
                self.last_used = time.monotonic()

    def close(self) -> None:
        # Not waiting: a process ending mid-send leaves that connection to the OS.
        if self.lock.acquire(blocking=False):
            try:
                self._drop(polite=True)
            finally:
                self.lock.release()

    def _usable(self) -> Connection:
        state = current_app.extensions["mail"]
        if self.connection is not None and self.connection.mail is not state:
            self._drop(polite=True)  # another app's settings (tests hold several apps)
        idle = time.monotonic() - self.last_used
        if self.connection is not None and not _still_open(self.connection, idle=idle):
            self._drop(polite=False)
        if self.connection is None:
            # Entered but not left as a ``with`` block would: it stays open for the next.
            self.connection = _Verified(state).__enter__()
        return self.connection

    def _drop(self, *, polite: bool) -> None:
        """Forget the connection; ``polite``: QUIT first (not after a failure: the
        session may be mid-message)."""
        connection, self.connection = self.connection, None
        if connection is None or connection.host is None:
            return
        if polite:
            # A server already gone needs no goodbye.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.host.quit()
        connection.host.close()


def _still_open(connection: Connection, *, idle: float) -> bool:
    """Whether the server still holds this session, as far as can be known before MAIL."""
    host = connection.host
    if host is None:  # MAIL_SUPPRESS_SEND: no server, nothing to lose
        return True
    if host.sock is None:
        return False
    # Between messages a server has nothing to say: anything to read (its 421
    # goodbye, or the end of the stream) means it closed the session. Looking costs
    # no round trip (urllib3 checks its pooled sockets the same way); a NOOP before
    # every message would cost a third of what reuse saves (bench/NOTES.md, P9).
    with selectors.DefaultSelector() as selector:
        selector.register(host.sock, selectors.EVENT_READ)
        if selector.select(timeout=0):
            return False
    if idle < PROBE_AFTER_IDLE_SECONDS:
        return True
    # After a quiet spell, a NOOP as well: a server host that restarted, or a NAT
    # that forgot the connection, says nothing until spoken to.
    try:
        return host.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


# Keyed by pid: a forked child finds no entry of its own and starts afresh, never
# touching the socket (or the lock) it inherited from its parent.
_by_process: dict[int, _Kept] = {}


def _this_process() -> _Kept:
    pid = os.getpid()
    kept = _by_process.get(pid)
    if kept is None:
        _by_process.clear()  # the parent's, if forked: its socket closes here, its session lives on
        kept = _by_process[pid] = _Kept()
    return kept


def send(message: Message) -> None:
    """Send ``message`` over this process's kept connection, opening one if needed.

    Raises what Flask-Mail's ``Connection.send`` raises (``smtplib.SMTPException``,
    ``OSError``, ``BadHeaderError``); the connection is then discarded.
    """
    _this_process().send(message)


@worker_process_shutdown.connect
@worker_shutdown.connect
def close(**_: object) -> None:
    """QUIT this process's connection, if it has one: a worker (pool) process is ending."""
    kept = _by_process.get(os.getpid())
    if kept is not None:
        kept.close()
