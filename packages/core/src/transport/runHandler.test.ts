import { defineHandlers, type HandlerContext } from "../protocol/index.js";
import { createMemoryTransport } from "./createMemoryTransport.js";
import { makeBackendRequest } from "./makeBackendRequest.js";

const letters = function* () {
  yield "x";
  yield "y";
};

describe("runHandler (through the memory transport)", () => {
  let onClosed: (aborted: boolean) => void = () => {};
  const closed = new Promise<boolean>((resolve) => {
    onClosed = resolve;
  });
  const handlers = defineHandlers({
    "t.gen": function* ({ n }: { n: number }) {
      for (let i = 0; i < n; i++) yield i;
      return "ignored";
    },
    "t.gen-returned": async () => letters(),
    "t.list": () => ["x", "y"],
    "t.set": () => new Set(["x"]),
    "t.endless": function* (_payload: unknown, ctx: HandlerContext) {
      let i = 0;
      try {
        // Stops because the runner stops pulling once the signal is aborted.
        while (true) yield i++;
      } finally {
        onClosed(ctx.signal.aborted);
      }
    },
  });
  const transport = createMemoryTransport({ handlers });
  afterAll(() => transport.close());

  const run = async (type: string, payload: unknown = null) => {
    const chunks: unknown[] = [];
    const result = await makeBackendRequest(transport, type, payload, {
      onChunk: (chunk) => chunks.push(chunk),
    });
    return { chunks, result };
  };

  it("streams a generator function's items, then a null result (its return value ignored)", async () => {
    expect(await run("t.gen", { n: 3 })).toEqual({ chunks: [0, 1, 2], result: null });
  });

  it("streams a generator object an async handler returned", async () => {
    expect(await run("t.gen-returned")).toEqual({ chunks: ["x", "y"], result: null });
  });

  it("keeps arrays and other iterables as results", async () => {
    expect(await run("t.list")).toEqual({ chunks: [], result: ["x", "y"] });
    expect(await run("t.set")).toEqual({ chunks: [], result: {} });
  });

  it("stops pulling a generator when the request is cancelled and closes it", async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    const request = makeBackendRequest(transport, "t.endless", null, {
      signal: controller.signal,
      onChunk: (chunk) => {
        seen.push(chunk);
        if (seen.length === 5) controller.abort();
      },
    });
    await expect(request).rejects.toMatchObject({ code: "CANCELLED" });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    // Its `finally` ran (the runner called `return`), after the abort.
    await expect(closed).resolves.toBe(true);
  });
});
