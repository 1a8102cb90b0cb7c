import type { WireReplyFrame } from "@taskbridge/core/protocol";
import { createRequestFrames } from "./createRequestFrames.js";

const setup = (options: Partial<Parameters<typeof createRequestFrames>[0]> = {}) => {
  const sent: WireReplyFrame[] = [];
  const frames = createRequestFrames({
    id: "r1",
    replayFrames: 100,
    send: (frame) => sent.push(frame),
    ...options,
  });
  const brief = () => sent.map((f) => `${f.seq}:${f.kind}${f.kind === "restart" ? f.attempt : ""}`);
  return { frames, sent, brief };
};

describe("createRequestFrames", () => {
  it("sends accepted at seq 0, then the worker's frames, and ends once", () => {
    const { frames, sent, brief } = setup();
    frames.accept();
    frames.accept();
    frames.fromWorker("chunk", 0, 1, { i: 0 });
    frames.fromWorker("progress", 1, 1, { done: 1, total: 2, junk: true });
    expect(frames.fromWorker("result", 2, 1, { ok: true })).toBe(true);
    expect(frames.fromWorker("chunk", 3, 1, "late")).toBe(false);
    expect(frames.end({ code: "TIMEOUT", message: "late" })).toBe(false);
    expect(brief()).toEqual(["0:accepted", "1:chunk", "2:progress", "3:result"]);
    expect(sent[2]).toEqual({
      id: "r1",
      seq: 2,
      kind: "progress",
      progress: { done: 1, total: 2 },
    });
    expect(sent[3]).toEqual({ id: "r1", seq: 3, kind: "result", data: { ok: true } });
  });

  it("sends accepted first when a reply beats the publish confirm", () => {
    const { frames, brief } = setup();
    frames.fromWorker("result", 0, 1, 1);
    frames.accept();
    expect(brief()).toEqual(["0:accepted", "1:result"]);
  });

  it("sends restart on a higher attempt and on x-seq 0 again within an attempt", () => {
    const { frames, sent, brief } = setup();
    frames.accept();
    frames.fromWorker("chunk", 0, 1, "a");
    frames.fromWorker("chunk", 1, 1, "b");
    frames.fromWorker("chunk", 0, 2, "a2");
    frames.fromWorker("chunk", 1, 1, "stale"); // an older attempt's straggler
    frames.fromWorker("chunk", 0, 2, "a3"); // classic queue: redelivered again, same attempt
    frames.fromWorker("result", 1, 2, "done");
    expect(brief()).toEqual([
      "0:accepted",
      "1:chunk",
      "2:chunk",
      "3:restart2",
      "4:chunk",
      "5:restart3",
      "6:chunk",
      "7:result",
    ]);
    expect(sent.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("does not restart when the first frame seen already has a higher attempt", () => {
    const { frames, brief } = setup();
    frames.fromWorker("chunk", 0, 3, "x");
    expect(brief()).toEqual(["0:accepted", "1:chunk"]);
  });

  it("sanitizes worker error bodies", () => {
    const { frames, sent } = setup();
    frames.fromWorker("error", 0, 1, { code: "BOGUS", message: "m", stack: "at x", details: 1 });
    expect(sent[1]).toEqual({
      id: "r1",
      seq: 1,
      kind: "error",
      error: { code: "INTERNAL", message: "m", details: 1 },
    });
  });

  it("ignores unknown kinds and malformed progress", () => {
    const { frames, brief } = setup();
    frames.fromWorker("weird", 0, 1, 1);
    frames.fromWorker("progress", 0, 1, { done: "x" });
    expect(brief()).toEqual([]);
  });

  it("lets a transform change or drop non-terminal frames but never drop the terminal", () => {
    const { frames, sent, brief } = setup({
      transform: (frame) =>
        frame.kind === "chunk" && frame.data === "secret"
          ? null
          : frame.kind === "chunk"
            ? { ...frame, data: `[${String(frame.data)}]` }
            : frame.kind === "result"
              ? null
              : frame,
    });
    frames.fromWorker("chunk", 0, 1, "secret");
    frames.fromWorker("chunk", 1, 1, "open");
    frames.fromWorker("result", 2, 1, "r");
    expect(brief()).toEqual(["0:accepted", "1:chunk", "2:result"]);
    expect(sent[1]).toMatchObject({ seq: 1, data: "[open]" });
  });

  it("numbers a re-attached request from firstSeq and replays from the buffer", () => {
    const { frames, brief } = setup({ firstSeq: 5, accepted: true });
    frames.fromWorker("chunk", 3, 1, "x");
    frames.end({ code: "TIMEOUT", message: "t" });
    expect(brief()).toEqual(["5:chunk", "6:error"]);
    const replay = frames.since(5);
    expect(replay.kind === "frames" && replay.frames.map((f) => f.seq)).toEqual([6]);
  });

  it("keeps, once ended, the same held frames in its ended form, and nothing after them", () => {
    const { frames, sent } = setup({ replayFrames: 2 });
    expect(frames.ended()).toBe(frames); // still live: nothing to trim
    frames.accept();
    frames.fromWorker("chunk", 0, 1, "a");
    frames.fromWorker("chunk", 1, 1, "b");
    frames.fromWorker("result", 2, 1, "r");
    const ended = frames.ended();
    expect(ended.since(1)).toEqual(frames.since(1));
    expect(ended.since(1)).toEqual({ kind: "frames", frames: sent.slice(2) });
    expect(ended.since(0)).toEqual({ kind: "dropped" });
    expect([ended.isTerminal(), ended.isAccepted(), ended.ended()]).toEqual([true, true, ended]);
    ended.accept();
    expect(ended.fromWorker("chunk", 3, 1, "late")).toBe(false);
    expect(ended.end({ code: "TIMEOUT", message: "late" })).toBe(false);
    expect(sent).toHaveLength(4);
    // A resume that finds a gap ends it with NOT_FOUND: from then on that frame is all that is held.
    const notFound = {
      id: "r1",
      seq: 1,
      kind: "error" as const,
      error: { code: "NOT_FOUND" as const, message: "gone" },
    };
    expect(ended.endWith(notFound)).toBe(false);
    expect(ended.since(0)).toEqual({ kind: "frames", frames: [notFound] });
    expect(ended.since(3)).toEqual({ kind: "frames", frames: [] });
  });

  it("remembers in its ended form that a request was never accepted", () => {
    const { frames } = setup();
    frames.end({ code: "UNAVAILABLE", message: "no route" });
    expect(frames.ended().isAccepted()).toBe(false);
  });

  describe("chunks replies (docs/protocol.md §14.2)", () => {
    it("numbers a batch as its chunks, sends and holds it whole, and counts on after it", () => {
      const { frames, sent } = setup();
      frames.accept();
      frames.fromWorker("chunk", 0, 1, "a");
      frames.fromWorker("chunks", 1, 1, ["b", "c", "d"]);
      frames.fromWorker("progress", 4, 1, { done: 1 });
      frames.fromWorker("chunks", 5, 1, ["e", "f"]);
      expect(frames.fromWorker("result", 7, 1, null)).toBe(true);
      expect(sent).toEqual([
        { id: "r1", seq: 0, kind: "accepted" },
        { id: "r1", seq: 1, kind: "chunk", data: "a" },
        { id: "r1", seq: 2, kind: "chunks", data: ["b", "c", "d"] },
        { id: "r1", seq: 5, kind: "progress", progress: { done: 1 } },
        { id: "r1", seq: 6, kind: "chunks", data: ["e", "f"] },
        { id: "r1", seq: 8, kind: "result", data: null },
      ]);
      const replay = frames.since(3);
      expect(replay).toEqual({
        kind: "frames",
        frames: [{ id: "r1", seq: 4, kind: "chunks", data: ["d"] }, ...sent.slice(3)],
      });
    });

    it("restarts when a batch starts again at x-seq 0 or has a higher attempt, and drops stragglers", () => {
      const { frames, brief } = setup();
      frames.fromWorker("chunks", 0, 1, ["a", "b"]);
      frames.fromWorker("chunks", 0, 1, ["a", "b"]); // classic redelivery: x-seq 0 again
      frames.fromWorker("chunks", 2, 2, ["c"]); // the next attempt
      frames.fromWorker("chunks", 2, 1, ["late"]); // a straggler of attempt 1
      frames.fromWorker("result", 3, 2, null);
      expect(brief()).toEqual([
        "0:accepted",
        "1:chunks",
        "3:restart2",
        "4:chunks",
        "6:restart3",
        "7:chunks",
        "8:result",
      ]);
    });

    it("drops a batch whose body is not a non-empty array", () => {
      const { frames, brief } = setup();
      frames.fromWorker("chunks", 0, 1, []);
      frames.fromWorker("chunks", 0, 1, { 0: "a" });
      frames.fromWorker("chunks", 0, 1, undefined);
      expect(brief()).toEqual([]);
    });

    it("shows a reply hook each chunk as a frame, keeping what stays a chunk batched", () => {
      const { frames, sent } = setup({
        transform: (frame) =>
          frame.kind !== "chunk"
            ? frame
            : frame.data === "secret"
              ? null
              : frame.data === "tick"
                ? { id: frame.id, seq: frame.seq, kind: "progress", progress: { done: 1 } }
                : frame.data === "end"
                  ? { ...frame, kind: "result", data: "no" }
                  : { ...frame, data: `[${String(frame.data)}]` },
      });
      frames.fromWorker("chunks", 0, 1, ["a", "secret", "b", "tick", "end", "c"]);
      frames.fromWorker("result", 6, 1, "r");
      expect(sent).toEqual([
        { id: "r1", seq: 0, kind: "accepted" },
        { id: "r1", seq: 1, kind: "chunks", data: ["[a]", "[b]"] },
        { id: "r1", seq: 3, kind: "progress", progress: { done: 1 } },
        { id: "r1", seq: 4, kind: "chunks", data: ["end", "[c]"] },
        { id: "r1", seq: 6, kind: "result", data: "r" },
      ]);
    });
  });
});
