import { exponentialBackoff } from "./exponentialBackoff.js";

describe("exponentialBackoff", () => {
  it("doubles from the initial delay up to the cap", () => {
    const delay = exponentialBackoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 10].map(delay)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("spreads each delay by the jitter, never past the cap", () => {
    const low = exponentialBackoff({ initialMs: 100, maxMs: 1000, jitter: 0.2, random: () => 0 });
    const high = exponentialBackoff({ initialMs: 100, maxMs: 1000, jitter: 0.2, random: () => 1 });
    expect([low(1), high(1)]).toEqual([80, 120]);
    expect([low(10), high(10)]).toEqual([800, 1000]);
  });
});
