import type { ReplyFrame } from "@taskbridge/core/protocol";
import { createRequestFrames } from "./createRequestFrames.js";

const setup = (options: Partial<Parameters<typeof createRequestFrames>[0]> = {}) => {
  const sent: ReplyFrame[] = [];
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
});
