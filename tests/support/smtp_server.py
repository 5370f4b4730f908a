"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told to
refuse a recipient with given answers first (`451 ...`, `550 ...`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.postgres import free_port


class Recorder:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.message_ids: list[str] = []  # in order of arrival, repeats included
        self.answers: dict[str, list[str]] = {}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        queued = self.answers.get(address)
        if queued:
            return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.message_ids.append(str(parsed["Message-ID"]))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [
            message
            for message in self.messages
            if [item.addr_spec for item in message["To"].addresses] == [address]
        ]


class SmtpServer:
    def __init__(self, controller: Controller, recorder: Recorder, port: int) -> None:
        self.controller = controller
        self.recorder = recorder
        self.port = port


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(controller, recorder, port)
    finally:
        controller.stop()
