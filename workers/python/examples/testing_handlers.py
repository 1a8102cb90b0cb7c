"""Unit tests for your own handlers, without RabbitMQ: plain pytest, no plugin needed."""

import asyncio

from streaming import build_report, resize, tail_log
from taskbridge.testing import run_handler


def test_tail_log_streams_one_chunk_per_line():
    result = asyncio.run(run_handler(tail_log, {"lines": 3}))
    assert result.chunks == ["line 0", "line 1", "line 2"]
    assert result.result is None


def test_build_report_reports_progress_then_the_report():
    result = asyncio.run(run_handler(build_report, {"sections": 2, "title": "Q3"}))
    assert result.progress == [
        {"done": 1, "total": 2, "message": "section 1 of 2"},
        {"done": 2, "total": 2, "message": "section 2 of 2"},
    ]
    assert result.result == {"title": "Q3", "sections": 2}


def test_build_report_refuses_an_empty_title():
    result = asyncio.run(run_handler(build_report, {"sections": 1, "title": ""}))
    assert result.error == {"code": "BAD_REQUEST", "message": "a report needs a title"}


def test_build_report_stops_when_cancelled():
    result = asyncio.run(run_handler(build_report, {"sections": 1000}, cancel_after=0.05))
    assert result.error["code"] == "CANCELLED"
    assert len(result.progress) < 1000


def test_resize_on_a_second_attempt():
    result = asyncio.run(run_handler(resize, {"steps": 2, "width": 640}, attempt=2))
    assert result.result == {"width": 320}
    assert all(frame["attempt"] == 2 for frame in result.frames)
