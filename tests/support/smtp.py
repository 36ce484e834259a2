"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """Messages received by the server, with a way to wait for the ones expected."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self._changed:
            self.messages.append(message)  # type: ignore[arg-type]
            self._changed.notify_all()
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(
        self,
        predicate: Callable[[EmailMessage], bool],
        *,
        count: int = 1,
        timeout: float = 30.0,
    ) -> list[EmailMessage]:
        """Block until ``count`` received messages match; fail with what did arrive."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for m in self.messages if predicate(m)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    subjects = [(str(m["To"]), str(m["Subject"])) for m in self.messages]
                    raise AssertionError(
                        f"expected {count} matching message(s) within {timeout}s; got {subjects}"
                    )
                self._changed.wait(remaining)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


class GatedInbox(Inbox):
    """An inbox whose server can hold new deliveries before any of their text arrives.

    Each delivery is held at RCPT, before DATA, for ``delay`` seconds (so a batch takes
    long enough to be interrupted) and for as long as the gate is closed. A client
    killed there has sent nothing of its message: no copy can have been accepted.
    ``in_flight`` counts deliveries past the gate whose message is not accepted yet.
    """

    def __init__(self, *, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.held = 0
        self.in_flight = 0
        self._open = True

    def close_gate(self) -> None:
        with self._changed:
            self._open = False

    def open_gate(self) -> None:
        with self._changed:
            self._open = True

    def counts(self) -> tuple[int, int, int]:
        """(held at the gate, in flight past it, accepted), read at one instant."""
        with self._changed:
            return self.held, self.in_flight, len(self.messages)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        with self._changed:
            self.held += 1
        passed = False
        try:
            while not passed:
                with self._changed:
                    if self._open:
                        self.held -= 1
                        self.in_flight += 1
                        passed = True
                if not passed:
                    await asyncio.sleep(0.005)
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            # The client went away (aiosmtpd cancels the session when it does).
            with self._changed:
                if passed:
                    self.in_flight -= 1
                else:
                    self.held -= 1
            raise
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        # One step under the lock: a watcher never sees a message neither in flight
        # nor accepted.
        with self._changed:
            self.in_flight -= 1
            self.messages.append(message)  # type: ignore[arg-type]
            self._changed.notify_all()
        return "250 Message accepted"


class SessionInbox(Inbox):
    """An inbox that notes the connection each message came by and each QUIT, and can
    be told to refuse the next message (451, a temporary failure, as a busy server
    does) or to answer NOOP with something else than 250."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[Any] = []  # the client's (address, port) of each accepted message
        self.quits = 0
        self.refuse_next = False
        self.noop_reply = "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._changed:
            if self.refuse_next:
                self.refuse_next = False
                return "451 4.3.0 Try again later"
            self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)

    async def handle_NOOP(self, server: Any, session: Any, envelope: Any, arg: str) -> str:
        return self.noop_reply

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        with self._changed:
            self.quits += 1
            self._changed.notify_all()
        return "221 Bye"

    def connections(self) -> int:
        """How many connections brought messages (each has its own client port)."""
        return len(set(self.peers))


class SMTPServer:
    def __init__(self, inbox: Inbox | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.port = free_port()
        self.inbox = inbox or Inbox()
        # With ``tls``: STARTTLS offered, and required before any mail is accepted.
        self._tls = {"tls_context": tls, "require_starttls": True} if tls else {}
        self._controller = self._new_controller()

    def _new_controller(self) -> Controller:
        return Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self._tls)

    def start(self) -> SMTPServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def restart(self) -> None:
        """Stop (closing every open connection), then listen again on the same port."""
        self.stop()
        self._controller = self._new_controller()
        self.start()
