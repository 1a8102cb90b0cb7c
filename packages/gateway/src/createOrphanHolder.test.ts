import { createManualTimers } from "@taskbridge/core/testing";
import { createOrphanHolder } from "./createOrphanHolder.js";

describe("createOrphanHolder", () => {
  it("holds frames of unknown keys during the window, each key's for holdMs", () => {
    const timers = createManualTimers();
    const orphans = createOrphanHolder({ windowMs: 60_000, holdMs: 60_000, timers });
    const seen: string[] = [];
    expect(orphans.hold("k1", () => seen.push("k1/a"))).toBe(true);
    orphans.hold("k1", () => seen.push("k1/b"));
    for (const replay of orphans.take("k1")) replay();
    expect(seen).toEqual(["k1/a", "k1/b"]);
    expect(orphans.take("k1")).toEqual([]);
    orphans.hold("k2", () => seen.push("k2"));
    timers.advance(59_999);
    orphans.hold("k3", () => seen.push("k3"));
    timers.advance(1);
    expect(orphans.isOpen()).toBe(false);
    expect(orphans.hold("k4", () => seen.push("k4"))).toBe(false);
    expect(orphans.take("k2")).toEqual([]); // held 60 s from its first frame: gone
    expect(orphans.take("k3")).toHaveLength(1);
    orphans.close();
    expect(timers.pending()).toBe(0);
  });

  it("tells listeners when the window closes, at once when it is closed already", () => {
    const timers = createManualTimers();
    const orphans = createOrphanHolder({ windowMs: 100, holdMs: 100, timers });
    const calls: string[] = [];
    orphans.onClose(() => calls.push("early"));
    timers.advance(100);
    orphans.onClose(() => calls.push("late"));
    expect(calls).toEqual(["early", "late"]);
    orphans.close();
  });
});
