import { PassThrough } from "node:stream";
import { watchParentExit } from "./watchParentExit.js";

describe("watchParentExit", () => {
  it("calls back once when stdin ends, if TASKBRIDGE_EXIT_WITH_PARENT=1", async () => {
    const stdin = new PassThrough();
    const gone = new Promise<number>((resolve) => {
      let calls = 0;
      const watching = watchParentExit(
        () => {
          calls++;
          // `close` follows `end`: let it come, then count.
          setImmediate(() => resolve(calls));
        },
        { env: { TASKBRIDGE_EXIT_WITH_PARENT: "1" }, stdin },
      );
      expect(watching).toBe(true);
    });
    stdin.write("ignored");
    stdin.end();
    expect(await gone).toBe(1);
  });

  it("does nothing without the variable", () => {
    const stdin = new PassThrough();
    const onGone = jest.fn();
    expect(watchParentExit(onGone, { env: {}, stdin })).toBe(false);
    expect(stdin.listenerCount("end")).toBe(0);
    expect(stdin.readableFlowing).toBeNull();
  });
});
