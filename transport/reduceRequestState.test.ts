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
