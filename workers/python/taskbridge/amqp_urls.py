"""Broker addresses: ``AMQP_URL`` / ``AMQP_URLS`` as one URL or a comma-separated list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from yarl import URL

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672"

#: Read in this order; the first that is set and not blank wins.
AMQP_URL_VARIABLES = ("AMQP_URLS", "AMQP_URL")


def redact_amqp_url(url: Union[str, URL]) -> str:
    """``url`` fit for logs: the password and the query dropped, user, host, port and vhost kept.

    Example: ``redact_amqp_url("amqp://gw:secret@rabbit-2:5672/tb")`` → ``"amqp://gw@rabbit-2:5672/tb"``.
    """
    try:
        parsed = URL(str(url))
        return str(parsed.with_password(None).with_query(None))
    except ValueError:
        text = str(url)
        start = text.find("//")
        at = text.find("@", start + 2) if start >= 0 else -1
        return text if at < 0 else text[: start + 2] + text[at + 1 :]


def parse_amqp_urls(value: str, name: str) -> list[str]:
    """Split a comma-separated list of AMQP URLs (empty entries dropped, each trimmed) and check
    each is ``amqp://`` or ``amqps://`` with a host; a ``ValueError`` starting with ``name`` says
    what is wrong (passwords are not repeated). Commas in passwords must be URL-encoded (``%2C``).

    Example: ``parse_amqp_urls("amqp://rabbit-1, amqp://rabbit-2", "AMQP_URL")``
    → ``["amqp://rabbit-1", "amqp://rabbit-2"]``.
    """
    urls = [part.strip() for part in value.split(",") if part.strip()]
    if not urls:
        raise ValueError(f"{name} lists no broker address")
    for url in urls:
        try:
            parsed = URL(url)
        except ValueError:
            parsed = None
        if parsed is None or parsed.scheme not in ("amqp", "amqps"):
            raise ValueError(
                f"{name} must be amqp:// or amqps:// URLs separated by commas, "
                f"got {redact_amqp_url(url)!r}"
            )
        if not parsed.host:
            raise ValueError(f"{name}: {redact_amqp_url(url)!r} names no host")
    return urls


def amqp_urls_from_env(env: Mapping[str, str]) -> list[str]:
    """The broker addresses of a worker's environment: ``AMQP_URLS`` when set, else
    ``AMQP_URL``, else :data:`DEFAULT_AMQP_URL`; each one URL or a comma-separated list (a
    cluster's nodes, tried in turn). A bad value raises ``ValueError`` naming the variable.
    """
    for name in AMQP_URL_VARIABLES:
        value = env.get(name, "")
        if value.strip():
            return parse_amqp_urls(value, name)
    return [DEFAULT_AMQP_URL]


__all__ = [
    "AMQP_URL_VARIABLES",
    "DEFAULT_AMQP_URL",
    "amqp_urls_from_env",
    "parse_amqp_urls",
    "redact_amqp_url",
]
