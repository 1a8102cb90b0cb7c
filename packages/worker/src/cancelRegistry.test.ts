import { createCancelRegistry, parseCancelMessage } from "./cancelRegistry.js";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

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

describe("parseCancelMessage", () => {
  it("reads { correlationId, deadline }", () => {
    expect(parseCancelMessage(bytes({ correlationId: "anon:s:r", deadline: 5 }), 0)).toEqual({
      correlationId: "anon:s:r",
      deadline: 5,
    });
  });

  it("remembers a cancel without a usable deadline for the default timeout", () => {
    expect(parseCancelMessage(bytes({ correlationId: "anon:s:r" }), 1_000)?.deadline).toBe(601_000);
  });

  it("refuses what is not a cancel", () => {
    expect(parseCancelMessage(new TextEncoder().encode("{nope"), 0)).toBeUndefined();
    expect(parseCancelMessage(bytes({ deadline: 5 }), 0)).toBeUndefined();
    expect(parseCancelMessage(bytes(["anon:s:r"]), 0)).toBeUndefined();
  });
});
