import { estimateRemainingMs, formatDuration } from "./formatDuration.js";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [-500, "0s"],
    [1_499, "1s"],
    [59_000, "59s"],
    [60_000, "1m 00s"],
    [187_000, "3m 07s"],
    [3_600_000, "1h 00m"],
    [7_500_000, "2h 05m"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("estimateRemainingMs", () => {
  it("extrapolates the average rate so far", () => {
    expect(estimateRemainingMs({ done: 1, total: 4 }, 10_000)).toBe(30_000);
    expect(estimateRemainingMs({ done: 3, total: 4 }, 60_000)).toBe(20_000);
  });

  it("cannot tell without a total, before any progress, or once done", () => {
    expect(estimateRemainingMs(undefined, 1_000)).toBeUndefined();
    expect(estimateRemainingMs({ done: 5 }, 1_000)).toBeUndefined();
    expect(estimateRemainingMs({ done: 0, total: 4 }, 1_000)).toBeUndefined();
    expect(estimateRemainingMs({ done: 4, total: 4 }, 1_000)).toBeUndefined();
  });
});
