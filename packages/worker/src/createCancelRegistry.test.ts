import { createCancelRegistry } from "./createCancelRegistry.js";

describe("createCancelRegistry", () => {
  it("remembers a cancel until its deadline, then forgets it", () => {
    let now = 1_000;
    const cancels = createCancelRegistry({ now: () => now });
    cancels.add("anon:s:a", 2_000);
    expect(cancels.has("anon:s:a")).toBe(true);
    expect(cancels.has("anon:s:b")).toBe(false);
    now = 2_000;
    expect(cancels.has("anon:s:a")).toBe(false);
  });

  it("ignores cancels whose deadline already passed, and sweeps expired ones as it grows", () => {
    let now = 0;
    const cancels = createCancelRegistry({ now: () => now, sweepAbove: 4 });
    cancels.add("old", -1);
    expect(cancels.has("old")).toBe(false);
    for (let i = 0; i < 4; i++) cancels.add(`a${i}`, 10);
    now = 20;
    cancels.add("fresh", 100);
    expect(cancels.size()).toBe(1);
    expect(cancels.has("fresh")).toBe(true);
  });
});
