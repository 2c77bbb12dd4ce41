"""A real SMTP server on loopback (aiosmtpd), for the tests and the benchmark.

The server binds port 0 (the system picks a free port) and says which it got.
"""

from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller


class LoopbackController(Controller):
    """aiosmtpd's controller on an ephemeral port: the real port is read back once bound."""

    def __init__(self, handler, **kwargs):
        super().__init__(handler, hostname="127.0.0.1", port=0, **kwargs)

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        return super()._trigger_server()


class Mailbox:
    """Keeps every message received; refuses recipients in `refuse` with 550."""

    def __init__(self, keep: bool = True):
        self.keep = keep
        self.messages: list = []
        self.count = 0
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            if self.keep:
                parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                                  policy=email.policy.default)
                self.messages.append((list(envelope.rcpt_tos), parsed, envelope.original_content))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for rcpts, m, _ in self.messages if address in rcpts]


def start(keep: bool = True) -> tuple[LoopbackController, Mailbox]:
    box = Mailbox(keep=keep)
    controller = LoopbackController(box)
    controller.start()
    return controller, box
