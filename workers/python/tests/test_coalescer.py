"""ChunkCoalescer on a fake clock: when batches go, what they hold (docs/protocol.md §14.2)."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from taskbridge.coalescer import MAX_CHUNKS_BODY_BYTES, ChunkCoalescer, check_batching


class FakeTimer:
    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self.delay = delay
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    """``call_later`` that only records: ``fire()`` runs what is due, as the window passing."""

    def __init__(self) -> None:
        self.timers: list[FakeTimer] = []

    def call_later(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer(delay, callback)
        self.timers.append(timer)
        return timer

    @property
    def armed(self) -> list[FakeTimer]:
        return [t for t in self.timers if not t.cancelled]

    def fire(self) -> None:
        for timer in self.armed:
            timer.cancelled = True
            timer.callback()


Sent = list[tuple[str, int, Any, int]]


def make(clock: FakeClock, **options: Any) -> tuple[ChunkCoalescer, Sent]:
    sent: Sent = []

    def sink(kind: str, seq: int, body: bytes, count: int) -> None:
        sent.append((kind, seq, json.loads(body), count))

    return ChunkCoalescer(sink, call_later=clock.call_later, **options), sent


def chunk(i: int) -> bytes:
    return json.dumps({"i": i}, separators=(",", ":")).encode()


def test_chunks_of_one_turn_go_as_one_batch_with_the_first_seq_and_the_count() -> None:
    clock = FakeClock()
    coalescer, sent = make(clock)
    for i in range(3):
        coalescer.add(10 + i, chunk(i))
    assert sent == []
    clock.fire()
    assert sent == [("chunks", 10, [{"i": 0}, {"i": 1}, {"i": 2}], 3)]
    assert coalescer.held == 0


def test_the_window_starts_at_the_first_chunk_and_is_the_option_in_seconds() -> None:
    clock = FakeClock()
    coalescer, _ = make(clock, window_ms=2)
    coalescer.add(0, chunk(0))
    coalescer.add(1, chunk(1))
    [timer] = clock.timers
    assert timer.delay == pytest.approx(0.002)


def test_a_lone_chunk_goes_as_a_plain_chunk_when_the_window_passes() -> None:
    clock = FakeClock()
    coalescer, sent = make(clock)
    coalescer.add(0, chunk(0))
    clock.fire()
    coalescer.add(1, chunk(1))
    clock.fire()
    assert sent == [("chunk", 0, {"i": 0}, 1), ("chunk", 1, {"i": 1}, 1)]


def test_a_full_batch_goes_at_once_and_the_next_starts_its_own_window() -> None:
    clock = FakeClock()
    coalescer, sent = make(clock, max_chunks=3)
    for i in range(7):
        coalescer.add(i, chunk(i))
    assert sent == [
        ("chunks", 0, [{"i": 0}, {"i": 1}, {"i": 2}], 3),
        ("chunks", 3, [{"i": 3}, {"i": 4}, {"i": 5}], 3),
    ]
    assert len(clock.armed) == 1  # the seventh chunk's window; the full batches' were cancelled
    clock.fire()
    assert sent[-1] == ("chunk", 6, {"i": 6}, 1)


def test_one_chunk_per_reply_is_version_1() -> None:
    clock = FakeClock()
    coalescer, sent = make(clock, max_chunks=1)
    coalescer.add(0, chunk(0))
    coalescer.add(1, chunk(1))
    assert sent == [("chunk", 0, {"i": 0}, 1), ("chunk", 1, {"i": 1}, 1)]
    assert clock.armed == []


def test_a_batch_goes_before_its_body_would_pass_the_byte_limit() -> None:
    clock = FakeClock()
    item = b'"' + b"x" * 98 + b'"'  # 100 bytes of JSON
    coalescer, sent = make(clock, max_bytes=2 + 100 + 1 + 100 + 1 + 50)
    coalescer.add(0, item)
    coalescer.add(1, item)
    assert sent == []
    coalescer.add(2, item)  # 2 + 3 * 100 + 2 commas would pass the limit: the first two go
    assert [(kind, seq, count) for kind, seq, _, count in sent] == [("chunks", 0, 2)]
    coalescer.flush()
    assert [(kind, seq, count) for kind, seq, _, count in sent][-1] == ("chunk", 2, 1)


def test_a_chunk_larger_than_the_limit_goes_alone_at_once() -> None:
    clock = FakeClock()
    coalescer, sent = make(clock, max_bytes=50)
    coalescer.add(0, chunk(0))
    big = json.dumps("y" * 80).encode()
    coalescer.add(1, big)
    assert [(kind, seq) for kind, seq, _, _ in sent] == [("chunk", 0), ("chunk", 1)]
    assert coalescer.held == 0 and clock.armed == []


def test_the_default_byte_limit_is_256_kib() -> None:
    assert MAX_CHUNKS_BODY_BYTES == 256 * 1024
    clock = FakeClock()
    coalescer, sent = make(clock)
    item = json.dumps("z" * 1022).encode()  # 1,024 bytes
    for i in range(256):
        coalescer.add(i, item)
    # 255 items and their commas fit in 256 KiB with the brackets; the 256th would not
    assert [(kind, seq, count) for kind, seq, _, count in sent] == [("chunks", 0, 255)]


def test_flush_sends_what_is_held_and_cancels_the_window() -> None:
    clock = FakeClock()
    coalescer, sent = make(clock)
    coalescer.flush()
    assert sent == []
    coalescer.add(4, chunk(4))
    coalescer.add(5, chunk(5))
    coalescer.flush()
    assert sent == [("chunks", 4, [{"i": 4}, {"i": 5}], 2)]
    assert clock.armed == []
    clock.fire()
    assert len(sent) == 1


@pytest.mark.parametrize(
    ("window_ms", "max_chunks"), [(-1, 256), (5.5, 256), (5, 0), (5, 2.5), (5, True)]
)
def test_options_out_of_range_are_refused(window_ms: float, max_chunks: Any) -> None:
    with pytest.raises(ValueError):
        check_batching(window_ms, max_chunks)


def test_options_in_range_are_accepted() -> None:
    check_batching(0, 1)
    check_batching(5, 256)
