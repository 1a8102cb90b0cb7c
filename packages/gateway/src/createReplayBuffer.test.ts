import type { ChunksFrame, ReplyFrame } from "@taskbridge/core/protocol";
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

  describe("with 1.1 chunks batches (docs/protocol.md §14.2)", () => {
    const batch = (seq: number, n: number): ChunksFrame => ({
      id: "r",
      seq,
      kind: "chunks",
      data: Array.from({ length: n }, (_, index) => seq + index),
    });

    it("counts a batch's chunks, and gives the rest of a batch `after` falls inside", () => {
      const buffer = createReplayBuffer({ limit: 100 });
      buffer.push({ id: "r", seq: 0, kind: "accepted" });
      buffer.push(batch(1, 4));
      buffer.push(chunk(5));
      buffer.push(batch(6, 2));
      expect(buffer.since(2)).toEqual({
        kind: "frames",
        frames: [{ id: "r", seq: 3, kind: "chunks", data: [3, 4] }, chunk(5), batch(6, 2)],
      });
      expect(buffer.since(0)).toEqual({
        kind: "frames",
        frames: [batch(1, 4), chunk(5), batch(6, 2)],
      });
      expect(buffer.since(6)).toEqual({
        kind: "frames",
        frames: [{ id: "r", seq: 7, kind: "chunks", data: [7] }],
      });
      expect(buffer.since(7)).toEqual({ kind: "frames", frames: [] });
    });

    it("holds whole batches covering at least the last `limit` seqs, and drops older positions", () => {
      const buffer = createReplayBuffer({ limit: 5 });
      for (let seq = 0; seq < 40; seq += 4) buffer.push(batch(seq, 4)); // seqs 0 … 39
      // Seqs 35 … 39 need the batches from 32: 32 … 39 are held, 31 and before are not.
      expect(seqs(buffer.since(31))).toEqual([32, 36]);
      expect(seqs(buffer.since(33))).toEqual([34, 36]);
      expect(seqs(buffer.since(30))).toBe("dropped");
      buffer.push(chunk(40));
      expect(seqs(buffer.since(35))).toEqual([36, 40]);
      expect(seqs(buffer.since(34))).toBe("dropped");
    });
  });
});
