import type { ReplyFrame } from "@taskbridge/core/protocol";
import { judgeStream } from "./judgeStream.js";
import { judgeWireSeqs } from "./judgeWireSeqs.js";

// The scale-out scenario's verdicts (test/scaleout/main.ts) must be able to say no.
const id = "r1";
const chunks = (from: number, to: number, seq: number): ReplyFrame[] =>
  Array.from({ length: to - from }, (_, k) => ({
    id,
    seq: seq + k,
    kind: "chunk" as const,
    data: { i: from + k },
  }));
const result = (n: number, seq: number): ReplyFrame => ({
  id,
  seq,
  kind: "result",
  data: { count: n },
});
const accepted: ReplyFrame = { id, seq: 0, kind: "accepted", gateway: "gw-1", at: 1 };

describe("judgeStream", () => {
  it("completed: every chunk once, in order, then the result", () => {
    expect(judgeStream([accepted, ...chunks(0, 3, 1), result(3, 4)], 3)).toEqual({
      outcome: "completed",
      terminals: 1,
      duplicated: false,
      outOfOrder: false,
      oddBeforeRestart: false,
      missing: 0,
      restarts: 0,
    });
  });

  it("restarted: a restart starts the count again", () => {
    const frames = [
      accepted,
      ...chunks(0, 2, 1),
      { id, seq: 3, kind: "restart", attempt: 2 } as const,
      ...chunks(0, 3, 4),
      result(3, 7),
    ];
    expect(judgeStream(frames, 3)).toMatchObject({
      outcome: "restarted",
      restarts: 1,
      oddBeforeRestart: false,
    });
  });

  it("a restart after a skipped chunk completes, but the skip is reported", () => {
    const frames = [
      accepted,
      ...chunks(0, 1, 1),
      ...chunks(2, 3, 2),
      { id, seq: 3, kind: "restart", attempt: 2 } as const,
      ...chunks(0, 3, 4),
      result(3, 7),
    ];
    expect(judgeStream(frames, 3)).toMatchObject({
      outcome: "restarted",
      outOfOrder: false,
      oddBeforeRestart: true,
    });
  });

  it("lost: a restart followed by a stream that does not start at 0", () => {
    const frames = [
      accepted,
      ...chunks(0, 2, 1),
      { id, seq: 3, kind: "restart", attempt: 2 } as const,
      ...chunks(1, 3, 4),
      result(3, 6),
    ];
    expect(judgeStream(frames, 3)).toMatchObject({ outcome: "lost", outOfOrder: true, missing: 1 });
  });

  it("lost: a chunk never came, or a non-retryable error ended it", () => {
    const gap = [accepted, ...chunks(0, 1, 1), ...chunks(2, 3, 2), result(3, 3)];
    expect(judgeStream(gap, 3)).toMatchObject({ outcome: "lost", missing: 1 });
    const notFound: ReplyFrame = {
      id,
      seq: 2,
      kind: "error",
      error: { code: "NOT_FOUND", message: "unknown request" },
    };
    expect(judgeStream([accepted, ...chunks(0, 1, 1), notFound], 3)).toMatchObject({
      outcome: "lost",
      errorCode: "NOT_FOUND",
      missing: 2,
    });
  });

  it("retryable-error: the protocol's try-again", () => {
    const unavailable: ReplyFrame = {
      id,
      seq: 1,
      kind: "error",
      error: { code: "UNAVAILABLE", message: "broker down", retryable: true },
    };
    expect(judgeStream([accepted, unavailable], 3)).toMatchObject({
      outcome: "retryable-error",
      errorCode: "UNAVAILABLE",
    });
  });

  it("hung, duplicated, out of order and a second terminal frame are all seen", () => {
    expect(judgeStream([accepted, ...chunks(0, 2, 1)], 3).outcome).toBe("hung");
    const deadline: ReplyFrame = {
      id,
      seq: 3,
      kind: "error",
      error: { code: "TIMEOUT", message: "no result within 60000 ms", retryable: true },
    };
    expect(judgeStream([accepted, ...chunks(0, 2, 1), deadline], 3)).toMatchObject({
      outcome: "hung",
      errorCode: "TIMEOUT",
    });
    const twice = [accepted, ...chunks(0, 2, 1), ...chunks(1, 3, 3), result(3, 5), result(3, 6)];
    expect(judgeStream(twice, 3)).toMatchObject({
      outcome: "completed",
      duplicated: true,
      terminals: 2,
    });
    const swapped = [accepted, ...chunks(1, 2, 1), ...chunks(0, 1, 2), ...chunks(2, 3, 3)];
    expect(judgeStream([...swapped, result(3, 4)], 3)).toMatchObject({ outOfOrder: true });
  });
});

describe("judgeWireSeqs", () => {
  it("counts seqs sent twice and seqs never sent, a chunks batch taking one per item", () => {
    const clean = [
      { seq: 0, kind: "accepted" },
      { seq: 1, kind: "chunks", data: [{ i: 0 }, { i: 1 }] },
      { seq: 3, kind: "result" },
    ];
    expect(judgeWireSeqs(clean)).toEqual({ repeats: 0, gaps: 0 });
    // a resume answered from after = 1 although the client had seq 2
    const repeated = [...clean.slice(0, 2), { seq: 2, kind: "chunk" }, clean[2]!];
    expect(judgeWireSeqs(repeated)).toEqual({ repeats: 1, gaps: 0 });
    expect(judgeWireSeqs([clean[0]!, clean[2]!])).toEqual({ repeats: 0, gaps: 2 });
  });
});
