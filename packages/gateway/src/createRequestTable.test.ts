import { createManualTimers } from "@taskbridge/core/testing";
import { createRequestFrames } from "./createRequestFrames.js";
import { createRequestTable, type RequestEntry, type Session } from "./createRequestTable.js";
import { receivedRecord } from "./reduceRequestRecord.js";

const socket = { emit: () => true };

const entryOf = (session: Session, id: string): RequestEntry => ({
  key: `${session.key}:${id}`,
  id,
  session,
  type: "demo.echo",
  startedAt: 0,
  frames: createRequestFrames({ id, replayFrames: 10, send: () => {} }),
  record: receivedRecord(socket),
});

const setUp = (maxRetained: number) => {
  const timers = createManualTimers();
  const forgottenEarly = { count: 0 };
  const table = createRequestTable({
    rateLimit: { tokens: 100, perMs: 1000 },
    retentionMs: 1000,
    maxRetained,
    onForgottenEarly: () => {
      forgottenEarly.count += 1;
    },
    timers,
  });
  const session = table.connect({ principal: "anon", sessionId: "s1", claims: {} });
  const open = (id: string): RequestEntry => {
    const entry = entryOf(session, id);
    table.add(entry);
    return entry;
  };
  const held = (id: string): boolean =>
    table.byKey(`anon:s1:${id}`) !== undefined && session.entries.has(id);
  return { timers, table, session, open, held, forgottenEarly };
};

describe("createRequestTable", () => {
  it("forgets the oldest finished requests beyond maxRetained, never one in flight", () => {
    const { timers, table, session, open, held, forgottenEarly } = setUp(2);
    const running = [open("run1"), open("run2"), open("run3")];
    const finished = ["a", "b", "c", "d"].map(open);
    for (const entry of finished) table.settle(entry);
    // Two finished ones held; the older two forgotten early, so their ids are free again.
    expect(["a", "b", "c", "d"].map(held)).toEqual([false, false, true, true]);
    expect(forgottenEarly.count).toBe(2);
    expect(running.every((entry) => held(entry.id))).toBe(true);
    expect(session.inFlight).toBe(3);
    expect(table.stats()).toEqual({ sessions: 1, requests: 5 });

    table.add(entryOf(session, "a"));
    expect(held("a")).toBe(true);

    timers.advance(1000 + 50); // the retention, plus the sweep's batching slack
    expect(["c", "d"].map(held)).toEqual([false, false]);
    // Forgotten at the end of their time: not early.
    expect(forgottenEarly.count).toBe(2);
    expect(table.stats()).toEqual({ sessions: 1, requests: 4 });
    table.close();
  });

  it("frees a session without sockets once the bound forgets its last request", () => {
    const { table, session, open } = setUp(1);
    const first = open("a");
    table.disconnect(session);
    table.settle(first);
    expect(table.stats()).toEqual({ sessions: 1, requests: 1 });
    const other = table.connect({ principal: "anon", sessionId: "s2", claims: {} });
    const second = entryOf(other, "b");
    table.add(second);
    table.settle(second);
    expect(table.stats()).toEqual({ sessions: 1, requests: 1 });
    expect(table.byKey("anon:s2:b")).toBe(second);
    table.close();
  });
});
