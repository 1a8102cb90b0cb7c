"""Type hints → JSON Schema (draft 2020-12): what :func:`taskbridge.service` reads off a handler.

The hints that translate honestly: ``str``, ``int``, ``float``, ``bool``, ``None``, ``list[X]``,
``tuple[X, ...]``, ``dict[str, X]``, ``Optional``/``Union``, ``Literal``, ``Enum`` classes,
``TypedDict`` (with ``Required``/``NotRequired``) and ``Annotated[X, {json schema keywords}]``.
The payload's schema comes from the first parameter's hint, the chunk's from
``ctx: HandlerContext[X]`` (or the items of an ``AsyncIterator[X]`` a streaming handler
returns), the result's from the return hint. A hint that does not translate (a class, a
callable, a forward reference that does not resolve) gives no schema at all rather than a wrong
one.
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Optional

from .context import HandlerContext

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: A JSON Schema as a dict.
JsonSchema = dict[str, Any]


class _Untranslatable(Exception):
    """A hint with no honest JSON Schema."""


_STREAM_ORIGINS = (
    collections.abc.AsyncIterator,
    collections.abc.AsyncIterable,
    collections.abc.AsyncGenerator,
    collections.abc.Iterator,
    collections.abc.Iterable,
    collections.abc.Generator,
)
# Newer than Python 3.9, the oldest this SDK supports: compare against them only where they exist.
_REQUIRED_MARKERS = tuple(
    marker
    for marker in (getattr(typing, "Required", None), getattr(typing, "NotRequired", None))
    if marker
)
_UNION_ORIGINS = tuple(
    origin for origin in (typing.Union, getattr(types, "UnionType", None)) if origin
)
_ARRAY_ORIGINS = (list, collections.abc.Sequence, collections.abc.MutableSequence, set, frozenset)


def _is_typed_dict(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, dict) and hasattr(hint, "__required_keys__")


def _is_required_key(hint: Any, name: str, value: Any) -> bool:
    # Under `from __future__ import annotations` Python 3.11 cannot see Required/NotRequired
    # when it fills __required_keys__: read the resolved hint first.
    origin = typing.get_origin(value)
    if origin is typing.Annotated:
        origin = typing.get_origin(typing.get_args(value)[0])
    if origin is not None and origin is getattr(typing, "NotRequired", object()):
        return False
    if origin is not None and origin is getattr(typing, "Required", object()):
        return True
    return name in hint.__required_keys__


def _typed_dict_schema(hint: Any, seen: list[Any]) -> JsonSchema:
    if hint in seen:
        raise _Untranslatable(f"{hint.__name__} refers to itself")
    hints = typing.get_type_hints(hint, include_extras=True)
    properties = {name: _schema(value, seen + [hint]) for name, value in hints.items()}
    required = [name for name, value in hints.items() if _is_required_key(hint, name, value)]
    schema: JsonSchema = {"title": hint.__name__, "type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _schema(hint: Any, seen: list[Any]) -> JsonSchema:
    if hint is Any or hint is object:
        return {}
    if hint is None or hint is type(None):
        return {"type": "null"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    if _is_typed_dict(hint):
        return _typed_dict_schema(hint, seen)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [member.value for member in hint]}
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        extra = {k: v for meta in args[1:] if isinstance(meta, Mapping) for k, v in meta.items()}
        return {**_schema(args[0], seen), **extra}
    if origin in _REQUIRED_MARKERS:
        return _schema(args[0], seen)
    if origin is typing.Literal:
        return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
    if origin in _UNION_ORIGINS:
        return {"anyOf": [_schema(arg, seen) for arg in args]}
    if origin in _ARRAY_ORIGINS:
        return {"type": "array", "items": _schema(args[0], seen)} if args else {"type": "array"}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema(args[0], seen)}
        items = [_schema(arg, seen) for arg in args]
        return {"type": "array", "prefixItems": items, "items": False, "minItems": len(items)}
    if origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping):
        if args and args[0] is not str:
            raise _Untranslatable("JSON object keys are strings")
        if not args:
            return {"type": "object"}
        return {"type": "object", "additionalProperties": _schema(args[1], seen)}
    if hint in (list, tuple):
        return {"type": "array"}
    if hint is dict:
        return {"type": "object"}
    raise _Untranslatable(f"no JSON Schema for {hint!r}")


def schema_from_hint(hint: Any) -> Optional[JsonSchema]:
    """The JSON Schema (draft 2020-12) of a type hint, or ``None`` when the hint says nothing
    (``Any``) or has no honest translation.

    Example::

        class Report(TypedDict):
            month: str
            pages: NotRequired[int]

        schema_from_hint(Report)
        # {"$schema": …, "title": "Report", "type": "object",
        #  "properties": {"month": {"type": "string"}, "pages": {"type": "integer"}},
        #  "required": ["month"]}
    """
    try:
        schema = _schema(hint, [])
    except (_Untranslatable, NameError, TypeError):
        return None
    if not schema:
        return None
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def handler_schemas(handler: Callable[..., Any]) -> dict[str, Optional[JsonSchema]]:
    """``payloadSchema``, ``chunkSchema`` and ``resultSchema`` from the handler's signature,
    where its hints say so (``None`` where a hint has no honest translation)."""
    plain = inspect.isfunction(handler) or inspect.ismethod(handler)
    # a callable object's hints are those of its __call__ (mypy 1.0 cannot see the attribute on
    # a Callable, hence the Any)
    callable_object: Any = handler
    target: Callable[..., Any] = handler if plain else callable_object.__call__
    try:
        hints = typing.get_type_hints(target, include_extras=True)
        parameters = list(inspect.signature(target).parameters.values())
    except (NameError, TypeError, ValueError):
        return {}
    found: dict[str, Optional[JsonSchema]] = {}
    if parameters and parameters[0].name in hints:
        found["payloadSchema"] = schema_from_hint(hints[parameters[0].name])
    if len(parameters) > 1 and parameters[1].name in hints:
        ctx_hint = hints[parameters[1].name]
        if typing.get_origin(ctx_hint) is HandlerContext and typing.get_args(ctx_hint):
            found["chunkSchema"] = schema_from_hint(typing.get_args(ctx_hint)[0])
    if "return" in hints:
        returned = hints["return"]
        if typing.get_origin(returned) in _STREAM_ORIGINS:
            # a streaming handler: its items are the chunks, its result is null
            item = typing.get_args(returned)[0] if typing.get_args(returned) else Any
            found["chunkSchema"] = schema_from_hint(item)
            found["resultSchema"] = schema_from_hint(None)
        else:
            found["resultSchema"] = schema_from_hint(returned)
    return found


__all__ = ["JSON_SCHEMA_DIALECT", "JsonSchema", "handler_schemas", "schema_from_hint"]
