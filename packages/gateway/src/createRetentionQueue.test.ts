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

  it("expires the oldest at once when more than maxItems are held, and each item only once", () => {
    const timers = createManualTimers();
    const expired: string[] = [];
    const queue = createRetentionQueue<string>({
      retentionMs: 1000,
      maxItems: 2,
      onExpire: (item, early) => expired.push(early ? `${item} early` : item),
      timers,
    });
    queue.add("a");
    queue.add("b");
    expect(expired).toEqual([]);
    queue.add("c");
    expect(expired).toEqual(["a early"]);
    timers.advance(10);
    queue.add("d");
    queue.add("e");
    expect(expired).toEqual(["a early", "b early", "c early"]);
    expect(queue.size()).toBe(2);
    timers.advance(1000 + 50); // d's and e's time, plus the batching slack
    expect(expired).toEqual(["a early", "b early", "c early", "d", "e"]);
    expect(queue.size()).toBe(0);
    expect(timers.pending()).toBe(0);
  });

  it("keeps the bound and the order through many adds and sweeps", () => {
    const timers = createManualTimers();
    const expired: number[] = [];
    const queue = createRetentionQueue<number>({
      retentionMs: 100,
      maxItems: 1500,
      onExpire: (item) => expired.push(item),
      timers,
    });
    for (let i = 0; i < 10_000; i++) {
      queue.add(i);
      expect(queue.size()).toBeLessThanOrEqual(1500);
      if (i % 1000 === 999) timers.advance(40);
    }
    timers.advance(1000);
    expect(expired).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
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
