"""Error bodies of docs/protocol.md §7: plain dicts that cross JSON, AMQP and TypeScript unchanged."""

from __future__ import annotations

from typing import Any, Dict, Optional

ERROR_CODES = (
    "BAD_REQUEST",
    "UNKNOWN_TYPE",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "PAYLOAD_TOO_LARGE",
    "RATE_LIMITED",
    "TIMEOUT",
    "CANCELLED",
    "UNAVAILABLE",
    "WORKER_ERROR",
    "WORKER_CRASHED",
    "NOT_FOUND",
    "INTERNAL",
)

ErrorBody = Dict[str, Any]


def create_error(
    code: str,
    message: str,
    *,
    details: Any = None,
    retryable: Optional[bool] = None,
) -> ErrorBody:
    """Build an error body ``{code, message, details?, retryable?}``.

    Optional fields are left out when not given, so the body serialises to exactly what
    docs/protocol.md §7 shows and what the TypeScript ``createError`` produces. An unknown code
    becomes ``INTERNAL``.

    Example: ``create_error("TIMEOUT", "no reply within 5000 ms", retryable=True)``
    """
    body: ErrorBody = {"code": code if code in ERROR_CODES else "INTERNAL", "message": message}
    if details is not None:
        body["details"] = details
    if retryable is not None:
        body["retryable"] = retryable
    return body


class TaskbridgeError(Exception):
    """Raise this from a handler to end the request with a specific error code.

    Any other exception ends the request with ``WORKER_ERROR`` and its message; this one
    passes its code, details and ``retryable`` through to the client, like throwing an error
    body in a TypeScript handler. A code that is not one of ``ERROR_CODES`` ends it with
    ``WORKER_ERROR`` and the message, as in TypeScript.

    Example: ``raise TaskbridgeError("NOT_FOUND", "no report 42", details={"id": 42})``
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Any = None,
        retryable: Optional[bool] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.retryable = retryable

    def to_body(self) -> ErrorBody:
        """The error body this exception stands for."""
        return create_error(
            self.code, self.message, details=self.details, retryable=self.retryable
        )


def to_error_body(exc: BaseException, fallback_code: str = "WORKER_ERROR") -> ErrorBody:
    """Turn whatever a handler raised into an error body fit for a client.

    A :class:`TaskbridgeError` with a code of docs/protocol.md §7 keeps it; anything else, a
    ``TaskbridgeError`` with an unknown code included, becomes ``fallback_code`` with the
    exception's message (its class name when the message is empty) and never a traceback, as
    the TypeScript ``toErrorBody`` does.
    """
    if isinstance(exc, TaskbridgeError) and exc.code in ERROR_CODES:
        return exc.to_body()
    message = str(exc) or type(exc).__name__
    return create_error(fallback_code, message)
