import fc from "fast-check";
import { placeFrame } from "./placeFrame.js";

describe("placeFrame", () => {
  const at = (lastSeq: number, finished = false) => ({ id: "r1", lastSeq, finished });

  it("takes the next frame, flags a jump as ahead, and drops repeats", () => {
    expect(placeFrame(at(-1), { id: "r1", seq: 0 })).toBe("next");
    expect(placeFrame(at(2), { id: "r1", seq: 3 })).toBe("next");
    expect(placeFrame(at(2), { id: "r1", seq: 5 })).toBe("ahead");
    expect(placeFrame(at(2), { id: "r1", seq: 2 })).toBe("stale");
    expect(placeFrame(at(2), { id: "r1", seq: 0 })).toBe("stale");
  });

  it("drops another request's frames and anything after the terminal frame", () => {
    expect(placeFrame(at(2), { id: "r2", seq: 3 })).toBe("stale");
    expect(placeFrame({ id: undefined, lastSeq: -1, finished: false }, { id: "r1", seq: 0 })).toBe(
      "stale",
    );
    expect(placeFrame(at(2, true), { id: "r1", seq: 3 })).toBe("stale");
  });

  it("takes a frame exactly when its seq is above the last one taken", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (last, seq) => {
          const place = placeFrame(at(last), { id: "r1", seq });
          expect(place !== "stale").toBe(seq > last);
          expect(place === "next").toBe(seq === last + 1);
        },
      ),
    );
  });
});
