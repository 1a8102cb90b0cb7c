import { createManualTimers } from "@taskbridge/core/testing";
import { createRetentionQueue } from "./createRetentionQueue.js";

describe("createRetentionQueue", () => {
  it("expires each item after the retention, in order, with one timer at a time", () => {
    const timers = createManualTimers();
    const expired: string[] = [];
    const queue = createRetentionQueue<string>({
      retentionMs: 1000,
      onExpire: (item) => expired.push(item),
      timers,
    });
    queue.add("a");
    timers.advance(10);
    queue.add("b");
    queue.add("c");
    expect(timers.pending()).toBe(1);
    timers.advance(989);
    expect(expired).toEqual([]);
    timers.advance(1 + 50); // a's time, plus the batching slack (1000 / 20)
    expect(expired).toEqual(["a", "b", "c"]);
    expect(queue.size()).toBe(0);
    expect(timers.pending()).toBe(0);
  });

  it("drops everything on close", () => {
    const timers = createManualTimers();
    const expired: number[] = [];
    const queue = createRetentionQueue<number>({
      retentionMs: 100,
      onExpire: (item) => expired.push(item),
      timers,
    });
    for (let i = 0; i < 3000; i++) queue.add(i);
    queue.close();
    timers.advance(1000);
    expect(expired).toEqual([]);
    expect(timers.pending()).toBe(0);
  });
});
