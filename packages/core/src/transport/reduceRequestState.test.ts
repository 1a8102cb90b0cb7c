import fc from "fast-check";
import { createError, type ReplyFrame } from "../protocol/index.js";
import {
  initialRequestState,
  reduceRequestState,
  startRequestState,
} from "./reduceRequestState.js";

type Frame = ReplyFrame<string, { total: number }>;
const id = "req1";
const accepted: Frame = { id, seq: 0, kind: "accepted" };
const chunk = (seq: number, data: string): Frame => ({ id, seq, kind: "chunk", data });

describe("reduceRequestState", () => {
  const start = startRequestState<string, { total: number }>(id, 1000);

  it("starts idle and goes pending when a request is sent", () => {
    expect(initialRequestState).toMatchObject({ status: "idle", chunks: [], attempt: 1 });
    expect(initialRequestState.lastSeq).toBe(-1);
    expect(start).toMatchObject({ status: "pending", id, startedAt: 1000, accepted: false });
  });

  it("streams chunks in a batch and ends with the result", () => {
    const streaming = reduceRequestState(start, [accepted, chunk(1, "a"), chunk(2, "b")], 1001);
    expect(streaming).toMatchObject({ status: "streaming", chunks: ["a", "b"], accepted: true });
    const done = reduceRequestState(
      streaming,
      [{ id, seq: 3, kind: "result", data: { total: 2 } }],
      1002,
    );
    expect(done).toMatchObject({ status: "success", data: { total: 2 }, finishedAt: 1002 });
    expect(done.chunks).toEqual(["a", "b"]);
  });

  it("does not mutate the chunks of the previous state", () => {
    const first = reduceRequestState(start, [accepted, chunk(1, "a")], 1);
    const second = reduceRequestState(first, [chunk(2, "b")], 2);
    expect(first.chunks).toEqual(["a"]);
    expect(second.chunks).toEqual(["a", "b"]);
  });

  it("records progress as streaming", () => {
    const state = reduceRequestState(
      start,
      [accepted, { id, seq: 1, kind: "progress", progress: { done: 1, total: 4 } }],
      1,
    );
    expect(state).toMatchObject({ status: "streaming", progress: { done: 1, total: 4 } });
  });

  it("drops partial chunks and progress on restart and counts the attempt", () => {
    const partial = reduceRequestState(
      start,
      [
        accepted,
        chunk(1, "a"),
        { id, seq: 2, kind: "progress", progress: { done: 1 } },
        { id, seq: 3, kind: "restart", attempt: 2 },
      ],
      1,
    );
    expect(partial).toMatchObject({ status: "pending", chunks: [], attempt: 2 });
    expect(partial.progress).toBeUndefined();
    const again = reduceRequestState(partial, [chunk(4, "a2")], 2);
    expect(again).toMatchObject({ status: "streaming", chunks: ["a2"], attempt: 2 });
  });

  it("ignores duplicates, frames of other ids and anything after the terminal frame", () => {
    const state = reduceRequestState(
      start,
      [
        accepted,
        chunk(1, "a"),
        chunk(1, "a again"),
        { id: "other", seq: 2, kind: "chunk", data: "stranger" },
        { id, seq: 2, kind: "error", error: createError("TIMEOUT", "too slow") },
        chunk(3, "late"),
        { id, seq: 4, kind: "result", data: { total: 9 } },
      ],
      5,
    );
    expect(state).toMatchObject({ status: "error", chunks: ["a"], lastSeq: 2 });
    expect(state.error?.code).toBe("TIMEOUT");
    expect(state.data).toBeUndefined();
  });

  it("returns the same object when no frame applies", () => {
    const state = reduceRequestState(start, [accepted], 1);
    expect(reduceRequestState(state, [accepted], 2)).toBe(state);
    expect(reduceRequestState(state, [], 2)).toBe(state);
    expect(reduceRequestState(initialRequestState, [accepted], 2)).toBe(initialRequestState);
  });

  it("copies a burst of chunks in one step", () => {
    const frames: Frame[] = [accepted];
    for (let i = 1; i <= 10_000; i++) frames.push(chunk(i, `c${i}`));
    const state = reduceRequestState(start, frames, 1);
    expect(state.chunks).toHaveLength(10_000);
    expect(state.chunks[9_999]).toBe("c10000");
  });
});

describe("reduceRequestState, for any stream of frames", () => {
  // Frames as a flaky transport might deliver them: repeated, reordered, with a terminal frame
  // somewhere and restarts in between.
  const frameArb = (seq: number) =>
    fc.oneof(
      fc.constant<Frame>({ id, seq, kind: "accepted" }),
      fc.string({ maxLength: 3 }).map((data): Frame => ({ id, seq, kind: "chunk", data })),
      fc.nat(10).map((done): Frame => ({ id, seq, kind: "progress", progress: { done } })),
      fc
        .integer({ min: 2, max: 4 })
        .map((attempt): Frame => ({ id, seq, kind: "restart", attempt })),
      fc.constant<Frame>({ id, seq, kind: "result", data: { total: seq } }),
      fc.constant<Frame>({ id, seq, kind: "error", error: createError("TIMEOUT", "late") }),
    );
  const framesArb = fc
    .array(fc.nat(30), { maxLength: 40 })
    .chain((seqs) => fc.tuple(...seqs.map((seq) => frameArb(seq))));
  const start = startRequestState<string, { total: number }>(id, 0);

  it("gives the same state whether frames come in one batch or one by one", () => {
    fc.assert(
      fc.property(framesArb, (frames) => {
        const batched = reduceRequestState(start, frames, 1);
        const single = frames.reduce(
          (state, frame) => reduceRequestState(state, [frame], 1),
          start,
        );
        expect(single).toEqual(batched);
      }),
    );
  });

  it("never goes back in seq and never changes after a terminal frame", () => {
    fc.assert(
      fc.property(framesArb, framesArb, (first, second) => {
        const middle = reduceRequestState(start, first, 1);
        const end = reduceRequestState(middle, second, 2);
        expect(end.lastSeq).toBeGreaterThanOrEqual(middle.lastSeq);
        if (middle.status === "success" || middle.status === "error") expect(end).toBe(middle);
      }),
    );
  });
});
