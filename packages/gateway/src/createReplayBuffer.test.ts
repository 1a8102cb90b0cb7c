import type { ReplyFrame } from "@taskbridge/core/protocol";
import { createReplayBuffer } from "./createReplayBuffer.js";

const chunk = (seq: number): ReplyFrame => ({ id: "r", seq, kind: "chunk", data: seq });
const seqs = (outcome: ReturnType<ReturnType<typeof createReplayBuffer>["since"]>) =>
  outcome.kind === "frames" ? outcome.frames.map((f) => f.seq) : outcome.kind;

describe("createReplayBuffer", () => {
  it("gives the frames after `after`, in order, without gap or repeat", () => {
    const buffer = createReplayBuffer({ limit: 10 });
    for (let seq = 0; seq < 5; seq++) buffer.push(chunk(seq));
    expect(seqs(buffer.since(-1))).toEqual([0, 1, 2, 3, 4]);
    expect(seqs(buffer.since(2))).toEqual([3, 4]);
    expect(seqs(buffer.since(4))).toEqual([]);
    expect(seqs(buffer.since(9))).toEqual([]);
  });

  it("keeps only the last `limit` frames and says `dropped` for older positions", () => {
    const buffer = createReplayBuffer({ limit: 3 });
    for (let seq = 0; seq < 50; seq++) buffer.push(chunk(seq));
    expect(seqs(buffer.since(46))).toEqual([47, 48, 49]);
    expect(seqs(buffer.since(45))).toBe("dropped");
    expect(seqs(buffer.since(-1))).toBe("dropped");
  });

  it("numbers from `firstSeq` for a re-attached request", () => {
    const buffer = createReplayBuffer({ limit: 5, firstSeq: 7 });
    expect(seqs(buffer.since(6))).toEqual([]);
    buffer.push(chunk(7));
    expect(seqs(buffer.since(6))).toEqual([7]);
    expect(seqs(buffer.since(5))).toBe("dropped");
  });
});
