"""AMQP_URL / AMQP_URLS: one broker address or a comma-separated list (a cluster's nodes)."""

from __future__ import annotations

import pytest

from taskbridge import amqp_urls_from_env
from taskbridge.amqp_urls import DEFAULT_AMQP_URL, parse_amqp_urls, redact_amqp_url


def test_defaults_to_the_local_broker_when_unset_or_blank() -> None:
    assert amqp_urls_from_env({}) == [DEFAULT_AMQP_URL]
    assert amqp_urls_from_env({"AMQP_URLS": " ", "AMQP_URL": ""}) == [DEFAULT_AMQP_URL]


def test_reads_one_url_or_a_trimmed_list_with_credentials_per_url() -> None:
    assert amqp_urls_from_env({"AMQP_URL": "amqp://u:p@rabbit:5672/vh"}) == [
        "amqp://u:p@rabbit:5672/vh"
    ]
    assert amqp_urls_from_env(
        {"AMQP_URL": " amqp://a:1@rabbit-1:5672 ,amqps://b:2@rabbit-2:5671/x,, "}
    ) == ["amqp://a:1@rabbit-1:5672", "amqps://b:2@rabbit-2:5671/x"]


def test_amqp_urls_wins_over_amqp_url() -> None:
    env = {"AMQP_URLS": "amqp://n1,amqp://n2", "AMQP_URL": "amqp://solo"}
    assert amqp_urls_from_env(env) == ["amqp://n1", "amqp://n2"]


def test_errors_name_the_variable_and_keep_passwords_out() -> None:
    with pytest.raises(ValueError, match="^AMQP_URL lists no broker address"):
        amqp_urls_from_env({"AMQP_URL": ","})
    with pytest.raises(ValueError, match="^AMQP_URLS must be amqp:// or amqps://") as refused:
        amqp_urls_from_env({"AMQP_URLS": "amqp://ok, http://u:secret@web"})
    assert "secret" not in str(refused.value)
    with pytest.raises(ValueError, match="^AMQP_URL must be"):
        amqp_urls_from_env({"AMQP_URL": "rabbit:5672"})
    with pytest.raises(ValueError, match="^AMQP_URL") as hostless:
        amqp_urls_from_env({"AMQP_URL": "amqp://u:secret@"})
    assert "secret" not in str(hostless.value)
    with pytest.raises(ValueError, match="^url lists"):
        parse_amqp_urls(" , ", "url")


def test_redacted_urls_keep_user_host_port_and_vhost() -> None:
    assert redact_amqp_url("amqp://gw:s3cret@rabbit-2:5672/tb?heartbeat=10") == (
        "amqp://gw@rabbit-2:5672/tb"
    )
    assert redact_amqp_url("amqp://127.0.0.1:5672") == "amqp://127.0.0.1:5672"
