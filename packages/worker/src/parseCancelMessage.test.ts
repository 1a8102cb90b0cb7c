import { parseCancelMessage } from "./parseCancelMessage.js";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

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
