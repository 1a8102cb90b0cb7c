import type { Publication } from "./preparePublication.js";
import {
  type FrameSocket,
  reattachedRecord,
  receivedRecord,
  reduceRequestRecord,
} from "./reduceRequestRecord.js";

const socket = (): FrameSocket => ({ emit: () => true });
const publication: Publication = {
  queue: "demo.echo",
  payload: null,
  headers: {},
  timeoutMs: 1000,
  deadline: 5000,
  onReply: undefined,
};
const terminal = { id: "r1", seq: 1, kind: "result", data: null } as const;

describe("reduceRequestRecord", () => {
  it("publishes a received request once, and never one that ended", () => {
    const a = socket();
    const published = reduceRequestRecord(receivedRecord(a), { type: "published", publication });
    expect(published).toEqual({ stage: "published", owner: a, deadline: 5000, onReply: undefined });
    const again = { ...publication, deadline: 9000 };
    expect(reduceRequestRecord(published, { type: "published", publication: again })).toBe(
      published,
    );
    const ended = reduceRequestRecord(receivedRecord(a), { type: "ended", frame: terminal });
    expect(reduceRequestRecord(ended, { type: "published", publication })).toBe(ended);
    expect(ended).toMatchObject({ stage: "ended", deadline: undefined });
  });

  it("takes an adopted request's deadline from its owner's record, once", () => {
    const record = reattachedRecord(socket(), 7000);
    const found = reduceRequestRecord(record, { type: "found", deadline: 6000 });
    expect(found).toMatchObject({ stage: "published", deadline: 6000 });
    expect(reduceRequestRecord(found, { type: "found", deadline: 1 })).toBe(found);
    expect(reduceRequestRecord(record, { type: "found", deadline: undefined })).toMatchObject({
      stage: "published",
      deadline: 7000,
    });
  });

  it("makes a re-attached request an ordinary published one at its first reply", () => {
    const record = reattachedRecord(socket(), 7000);
    expect(record).toMatchObject({ stage: "reattached", deadline: 7000 });
    const reply = { type: "replied", kind: "chunk", seq: 0, attempt: 1, body: 1 } as const;
    expect(reduceRequestRecord(record, reply)).toMatchObject({
      stage: "published",
      deadline: 7000,
    });
    expect(reduceRequestRecord(record, { type: "orphanWindowClosed" })).toBe(record);
  });

  it("moves the owner: resume takes it, cancel only when there is none, disconnect drops its own", () => {
    const a = socket();
    const b = socket();
    let record = receivedRecord(a);
    expect(reduceRequestRecord(record, { type: "cancelled", socket: b }).owner).toBe(a);
    expect(reduceRequestRecord(record, { type: "released", socket: b })).toBe(record);
    record = reduceRequestRecord(record, { type: "released", socket: a });
    expect(record.owner).toBeUndefined();
    record = reduceRequestRecord(record, { type: "cancelled", socket: b });
    expect(record.owner).toBe(b);
    record = reduceRequestRecord(record, { type: "resumed", socket: a, after: 0 });
    expect(record.owner).toBe(a);
    const ended = reduceRequestRecord(
      reduceRequestRecord(receivedRecord(a), { type: "released", socket: a }),
      { type: "ended", frame: terminal },
    );
    expect(reduceRequestRecord(ended, { type: "cancelled", socket: b }).owner).toBeUndefined();
    expect(reduceRequestRecord(ended, { type: "resumed", socket: b, after: 0 }).owner).toBe(b);
  });

  it("leaves the record as it is for events that only move frames or timers", () => {
    const record = receivedRecord(socket());
    for (const event of [
      { type: "preparing", timeoutMs: 10 },
      { type: "accepted" },
      { type: "failed", error: { code: "INTERNAL", message: "x" } },
      { type: "timedOut", timeoutMs: 10 },
    ] as const) {
      expect(reduceRequestRecord(record, event)).toBe(record);
    }
  });
});
