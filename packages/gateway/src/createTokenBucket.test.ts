import { createTokenBucket } from "./createTokenBucket.js";

describe("createTokenBucket", () => {
  it("allows a burst of `tokens`, then refills over time", () => {
    let now = 1000;
    const bucket = createTokenBucket({ tokens: 3, perMs: 300 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100; // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000; // never more than the bucket holds
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
