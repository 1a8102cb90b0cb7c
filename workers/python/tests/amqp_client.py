"""A minimal gateway stand-in for tests: publishes requests and cancels, collects replies."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any, Optional

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")
TIMEOUT = 15.0


def unique_prefix() -> str:
    """A type prefix no other test or helper uses: ``t.<random>.``."""
    return f"t.{secrets.token_hex(5)}."


@dataclass
class Reply:
    kind: str
    seq: int
    attempt: int
    body: Any
    correlation_id: str
    content_type: Optional[str]
    #: ``x-count`` of a ``chunks`` reply (docs/protocol.md §14.2); 1 for every other kind.
    count: int = 1

    @property
    def terminal(self) -> bool:
        return self.kind in ("result", "error")


def expand(replies: list[Reply]) -> list[Reply]:
    """The replies as a v1 gateway would have got them: each ``chunks`` reply as ``x-count``
    ``chunk`` replies with consecutive ``seq`` (what a 1.1 gateway does with them)."""
    out: list[Reply] = []
    for reply in replies:
        if reply.kind != "chunks":
            out.append(reply)
            continue
        assert isinstance(reply.body, list) and len(reply.body) == reply.count, reply
        for offset, item in enumerate(reply.body):
            out.append(
                Reply("chunk", reply.seq + offset, reply.attempt, item, reply.correlation_id,
                      reply.content_type)
            )
    return out


class Client:
    """Publishes requests like a gateway (docs/protocol.md §3), collects each request's replies."""

    def __init__(self, url: str = AMQP_URL, prefix: Optional[str] = None) -> None:
        self.url = url
        #: This client's queues are ``<prefix><type>``: no other test or helper uses them.
        self.prefix = unique_prefix() if prefix is None else prefix
        self.connection: Optional[AbstractConnection] = None
        self.channel: Optional[AbstractChannel] = None
        self.reply_queue = ""
        self.session = secrets.token_hex(8)
        self._replies: dict[str, asyncio.Queue[Reply]] = {}
        self.declared: list[str] = []

    async def __aenter__(self) -> Client:
        self.connection = await aio_pika.connect(self.url)
        self.channel = await self.connection.channel()
        queue = await self.channel.declare_queue("", exclusive=True)
        self.reply_queue = queue.name
        await queue.consume(self._on_reply, no_ack=True)
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self.channel is not None and self.connection is not None
        for name in self.declared:
            try:
                await self.channel.queue_delete(name)
            except Exception:  # noqa: BLE001
                pass
        await self.connection.close()

    def _inbox(self, correlation_id: str) -> asyncio.Queue[Reply]:
        return self._replies.setdefault(correlation_id, asyncio.Queue())

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        headers = message.headers or {}
        reply = Reply(
            kind=str(headers.get("x-kind")),
            seq=int(headers.get("x-seq", -1)),  # type: ignore[arg-type]
            attempt=int(headers.get("x-attempt", -1)),  # type: ignore[arg-type]
            body=json.loads(message.body),
            correlation_id=message.correlation_id or "",
            content_type=message.content_type,
            count=int(headers.get("x-count", 1)),  # type: ignore[arg-type]
        )
        self._inbox(reply.correlation_id).put_nowait(reply)

    def key(self, request_id: str, principal: str = "anon") -> str:
        return f"{principal}:{self.session}:{request_id}"

    async def request(
        self,
        type_name: str,
        payload: Any = None,
        *,
        queue: Optional[str] = None,
        request_id: Optional[str] = None,
        timeout_ms: int = 30_000,
        deadline: Optional[int] = None,
        body: Optional[bytes] = None,
        principal: str = "anon",
        without_deadline: bool = False,
        accept: Optional[str] = None,
    ) -> str:
        """Publish a request for ``type_name`` onto ``queue`` (default ``<prefix><type>``);
        returns its correlation id (the request key). ``without_deadline`` leaves
        ``x-deadline`` out, as a producer other than the gateway may; ``accept`` is sent as
        ``x-accept`` (``"chunks"``: a 1.1 gateway, docs/protocol.md §14.1)."""
        assert self.channel is not None
        queue = queue or f"{self.prefix}{type_name}"
        key = self.key(request_id or secrets.token_hex(4), principal)
        self._inbox(key)
        if deadline is None:
            deadline = int(time.time() * 1000) + timeout_ms
        headers: dict[str, Any] = {
            "x-type": type_name,
            "x-deadline": deadline,
            "x-principal": principal,
        }
        if without_deadline:
            del headers["x-deadline"]
        if accept is not None:
            headers["x-accept"] = accept
        message = aio_pika.Message(
            body if body is not None else json.dumps(payload).encode(),
            content_type="application/json",
            correlation_id=key,
            reply_to=self.reply_queue,
            expiration=timeout_ms / 1000,
            headers=headers,
        )
        await self.channel.default_exchange.publish(message, routing_key=queue, mandatory=True)
        return key

    async def cancel(self, key: str, deadline: Optional[int] = None) -> None:
        assert self.channel is not None
        exchange = await self.channel.get_exchange("taskbridge.cancel")
        body = {"correlationId": key, "deadline": deadline or int(time.time() * 1000) + 60_000}
        await exchange.publish(aio_pika.Message(json.dumps(body).encode()), routing_key="")

    async def next(self, key: str, timeout: float = TIMEOUT) -> Reply:
        return await asyncio.wait_for(self._inbox(key).get(), timeout)

    async def until_terminal(self, key: str, timeout: float = TIMEOUT) -> list[Reply]:
        replies: list[Reply] = []
        while not replies or not replies[-1].terminal:
            replies.append(await self.next(key, timeout))
        return replies

    def pending(self, key: str) -> int:
        return self._inbox(key).qsize()

    async def message_count(self, type_name: str) -> int:
        """Ready messages in the queue of ``type_name`` (unacked ones are not counted)."""
        assert self.channel is not None
        declared = await self.channel.declare_queue(f"{self.prefix}{type_name}", passive=True)
        count = declared.declaration_result.message_count
        return int(count or 0)
