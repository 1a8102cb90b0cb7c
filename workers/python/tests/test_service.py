"""``service()`` and ``schema_from_hint``: what a worker announces of a type (protocol.md §6)."""

from __future__ import annotations

import asyncio
import enum
import json
import secrets
from typing import (
    Annotated,
    Any,
    AsyncIterator,
    Dict,
    List,
    Literal,
    NotRequired,
    Optional,
    Tuple,
    TypedDict,
)

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from amqp_client import AMQP_URL, Client
from taskbridge import Context, register_handlers, schema_from_hint, service

DIALECT = "https://json-schema.org/draft/2020-12/schema"


class Line(TypedDict):
    text: str


class ReportRequest(TypedDict):
    month: Annotated[str, {"pattern": "^[0-9]{4}-[0-9]{2}$"}]
    pages: NotRequired[int]
    format: Literal["pdf", "csv"]


class Report(TypedDict):
    url: str
    lines: List[Line]


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Node(TypedDict):
    children: List[Node]


def test_hints_translate_into_json_schema() -> None:
    assert schema_from_hint(ReportRequest) == {
        "$schema": DIALECT,
        "title": "ReportRequest",
        "type": "object",
        "properties": {
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
            "pages": {"type": "integer"},
            "format": {"enum": ["pdf", "csv"]},
        },
        "required": ["month", "format"],
    }
    assert schema_from_hint(Optional[int]) == {
        "$schema": DIALECT, "anyOf": [{"type": "integer"}, {"type": "null"}],
    }
    assert schema_from_hint(Dict[str, float]) == {
        "$schema": DIALECT, "type": "object", "additionalProperties": {"type": "number"},
    }
    assert schema_from_hint(Tuple[int, str]) == {
        "$schema": DIALECT, "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False, "minItems": 2,
    }
    assert schema_from_hint(Colour) == {"$schema": DIALECT, "enum": ["red", "blue"]}
    assert schema_from_hint(Literal["only"]) == {"$schema": DIALECT, "const": "only"}


def test_hints_without_an_honest_schema_give_none() -> None:
    class Custom:
        pass

    assert schema_from_hint(Any) is None
    assert schema_from_hint(Custom) is None
    assert schema_from_hint(Dict[int, str]) is None  # JSON keys are strings
    assert schema_from_hint(Node) is None  # recursive: no inline schema
    assert schema_from_hint(List[Custom]) is None  # one bad part spoils the whole


def test_service_reads_payload_chunk_and_result_from_the_signature() -> None:
    async def report(payload: ReportRequest, ctx: Context[Line]) -> Report:
        """Builds the monthly report.

        More words that are not announced."""
        return {"url": "", "lines": []}

    marked = service(report, version="2")
    assert marked is report
    info = report.__taskbridge_service__
    assert info["description"] == "Builds the monthly report."
    assert info["version"] == "2"
    assert info["payloadSchema"]["title"] == "ReportRequest"
    assert info["chunkSchema"]["properties"] == {"text": {"type": "string"}}
    assert info["resultSchema"]["properties"]["lines"]["items"]["title"] == "Line"


def test_a_streaming_handler_announces_its_items_as_chunks_and_a_null_result() -> None:
    @service(description="Counts")
    async def count(payload: Dict[str, int], ctx: Context[Any]) -> AsyncIterator[int]:
        for i in range(payload["n"]):
            yield i

    info = count.__taskbridge_service__
    assert info == {
        "description": "Counts",
        "payloadSchema": {
            "$schema": DIALECT, "type": "object", "additionalProperties": {"type": "integer"},
        },
        "chunkSchema": {"$schema": DIALECT, "type": "integer"},
        "resultSchema": {"$schema": DIALECT, "type": "null"},
    }


def test_explicit_dicts_win_and_from_hints_can_be_turned_off() -> None:
    def plain(payload: ReportRequest, ctx: Context[Any]) -> str:
        return "ok"

    given = {"type": "object", "required": ["month"]}
    info = service(plain, payload_schema=given, from_hints=False).__taskbridge_service__
    assert info == {"payloadSchema": given}
    marked = service(plain, result_schema={"type": "string", "minLength": 1})
    info = marked.__taskbridge_service__
    assert info["payloadSchema"]["title"] == "ReportRequest"
    assert info["resultSchema"] == {"type": "string", "minLength": 1}


async def test_the_worker_announces_what_service_marked_and_services_override() -> None:
    month = {"type": "object", "properties": {"month": {"type": "string"}}, "required": ["month"]}

    @service(payload_schema=month)
    async def report(payload: Any, ctx: Context[Line]) -> Report:
        """Builds the monthly report."""
        return {"url": "u", "lines": []}

    worker_id = f"py-test-{secrets.token_hex(4)}"
    async with Client() as client:
        assert client.channel is not None
        client.declared.append(f"{client.prefix}report")
        registry = await client.channel.get_exchange("taskbridge.registry")
        heard = await client.channel.declare_queue("", exclusive=True)
        await heard.bind(registry, routing_key="announce.report")
        announcements: asyncio.Queue[Dict[str, Any]] = asyncio.Queue()

        async def on_announce(message: AbstractIncomingMessage) -> None:
            body = json.loads(message.body)
            if body.get("worker", {}).get("id") == worker_id:
                announcements.put_nowait(body)

        await heard.consume(on_announce, no_ack=True)
        worker = await register_handlers(
            AMQP_URL, {"report": report}, queue_prefix=client.prefix, worker_id=worker_id,
            services={"report": {"version": "7"}},
        )
        try:
            body = await asyncio.wait_for(announcements.get(), 10)
            assert body["description"] == "Builds the monthly report."
            assert body["version"] == "7"
            assert body["payloadSchema"]["required"] == ["month"]
            assert body["chunkSchema"]["title"] == "Line"
            assert body["resultSchema"]["title"] == "Report"
            assert body["worker"] == {"id": worker_id, "language": "python", "sdkVersion": "0.1.0"}
            await registry.publish(aio_pika.Message(b"{}"), routing_key="query")
            assert await asyncio.wait_for(announcements.get(), 5) == body
        finally:
            await worker.close()
