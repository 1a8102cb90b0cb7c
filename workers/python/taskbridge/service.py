"""``service(handler, payload_schema=…)``: what a worker announces of a type (docs/protocol.md §6).

A handler says what it takes and gives either with JSON Schema dicts (draft 2020-12), or with
type hints that translate honestly into JSON Schema (listed in ``taskbridge.schema_from_hints``,
which translates them); explicit dicts always win.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, Optional, TypeVar, Union, overload

from .schema_from_hints import JSON_SCHEMA_DIALECT, handler_schemas, schema_from_hint

#: Where :func:`service` keeps what it knows about a handler.
SERVICE_ATTRIBUTE = "__taskbridge_service__"

THandler = TypeVar("THandler", bound=Callable[..., Any])


@overload
def service(
    handler: THandler,
    *,
    payload_schema: Optional[Mapping[str, Any]] = None,
    chunk_schema: Optional[Mapping[str, Any]] = None,
    result_schema: Optional[Mapping[str, Any]] = None,
    description: Optional[str] = None,
    version: Optional[str] = None,
    from_hints: bool = True,
) -> THandler: ...


@overload
def service(
    handler: None = None,
    *,
    payload_schema: Optional[Mapping[str, Any]] = None,
    chunk_schema: Optional[Mapping[str, Any]] = None,
    result_schema: Optional[Mapping[str, Any]] = None,
    description: Optional[str] = None,
    version: Optional[str] = None,
    from_hints: bool = True,
) -> Callable[[THandler], THandler]: ...


def service(
    handler: Optional[THandler] = None,
    *,
    payload_schema: Optional[Mapping[str, Any]] = None,
    chunk_schema: Optional[Mapping[str, Any]] = None,
    result_schema: Optional[Mapping[str, Any]] = None,
    description: Optional[str] = None,
    version: Optional[str] = None,
    from_hints: bool = True,
) -> Union[THandler, Callable[[THandler], THandler]]:
    """Marks a handler with what the worker announces about its type: description, version and
    the JSON Schemas of payload, chunk and result. Schemas not given are read from the type
    hints (unless ``from_hints=False``); the description defaults to the docstring's first
    line. Returns the handler itself (its shape, sync or async, is unchanged), so it works as a
    wrapper or a decorator; :func:`register_handlers` picks the information up.

    Example::

        @service(payload_schema={"type": "object", "properties": {"month": {"type": "string"}},
                                 "required": ["month"]})
        async def report(payload, ctx):
            ...

        # or, from hints:  async def report(payload: ReportRequest, ctx: Context[Line]) -> Report
        await register_handlers(url, {"report.monthly": service(report)})
    """

    def mark(target: THandler) -> THandler:
        info: dict[str, Any] = {}
        if from_hints:
            found = handler_schemas(target)
            info.update({key: value for key, value in found.items() if value is not None})
        doc = inspect.getdoc(target)
        if description is not None:
            info["description"] = description
        elif doc:
            info["description"] = doc.strip().splitlines()[0]
        if version is not None:
            info["version"] = version
        for key, given in (
            ("payloadSchema", payload_schema),
            ("chunkSchema", chunk_schema),
            ("resultSchema", result_schema),
        ):
            if given is not None:
                info[key] = dict(given)
        # a bound method takes no attributes: mark its function
        owner = target.__func__ if inspect.ismethod(target) else target
        setattr(owner, SERVICE_ATTRIBUTE, info)
        return target

    return mark if handler is None else mark(handler)


def services_of(handlers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Type → announced information of every handler marked with :func:`service`."""
    return {
        type_name: dict(getattr(handler, SERVICE_ATTRIBUTE))
        for type_name, handler in handlers.items()
        if isinstance(getattr(handler, SERVICE_ATTRIBUTE, None), dict)
    }


def announced_services(
    handlers: Mapping[str, Any], services: Optional[Mapping[str, Mapping[str, Any]]] = None
) -> dict[str, dict[str, Any]]:
    """What :func:`register_handlers` announces per type: what :func:`service` marked, with the
    fields of ``services`` (type → ``description``, ``version``, ``payloadSchema``, …) on top."""
    merged = services_of(handlers)
    for type_name, info in (services or {}).items():
        merged[type_name] = {**merged.get(type_name, {}), **dict(info)}
    return merged


__all__ = [
    "JSON_SCHEMA_DIALECT",
    "SERVICE_ATTRIBUTE",
    "announced_services",
    "schema_from_hint",
    "service",
    "services_of",
]
