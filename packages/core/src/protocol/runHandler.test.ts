import { createMemoryTransport } from "../transport/createMemoryTransport.js";
import { makeBackendRequest } from "../transport/makeBackendRequest.js";
import { createError } from "./errors.js";
import { defineHandlers, type HandlerContext } from "./handler.js";
import { runHandler } from "./runHandler.js";

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

describe("runHandler (called directly, as the worker SDK does)", () => {
  const contextOf = (controller: AbortController, emitted: unknown[]): HandlerContext => ({
    id: "r1",
    type: "t.run",
    attempt: 1,
    signal: controller.signal,
    deadline: Number.POSITIVE_INFINITY,
    principal: "anon",
    emit: (chunk) => emitted.push(chunk),
    progress: () => {},
  });

  it("waits for `waitWritable` after each item before it pulls the next", async () => {
    const events: string[] = [];
    const gates: (() => void)[] = [];
    const handler = async function* () {
      for (let i = 0; i < 3; i++) {
        events.push(`pull ${i}`);
        yield i;
      }
    };
    const emitted: unknown[] = [];
    const running = runHandler(handler, null, contextOf(new AbortController(), emitted), {
      waitWritable: () => {
        events.push(`wait ${emitted.length}`);
        return new Promise<void>((resolve) => gates.push(resolve));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual(["pull 0", "wait 1"]);
    for (let i = 0; i < 3; i++) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(events).toEqual(["pull 0", "wait 1", "pull 1", "wait 2", "pull 2", "wait 3"]);
    await expect(running).resolves.toEqual({ kind: "result", data: null });
    expect(emitted).toEqual([0, 1, 2]);
  });

  it("pulls nothing after an abort, and resolves `cancelled` once the iterator has closed", async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const handler = async function* () {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push("closed");
      }
    };
    const emitted: unknown[] = [];
    const outcome = await runHandler(handler, null, contextOf(controller, emitted), {
      waitWritable: () => {
        if (emitted.length === 2) controller.abort();
        return undefined;
      },
    });
    expect(outcome).toEqual({ kind: "cancelled" });
    expect(emitted).toEqual([0, 1]);
    expect(events).toEqual(["closed"]);
  });

  it("reports what was thrown beside its error body", async () => {
    const failure = new Error("it broke");
    const ctx = contextOf(new AbortController(), []);
    await expect(
      runHandler(
        () => {
          throw failure;
        },
        null,
        ctx,
      ),
    ).resolves.toEqual({
      kind: "error",
      error: { code: "WORKER_ERROR", message: "it broke" },
      thrown: failure,
    });
    const chosen = createError("FORBIDDEN", "not yours");
    await expect(
      runHandler(
        async () => {
          throw chosen;
        },
        null,
        ctx,
      ),
    ).resolves.toEqual({ kind: "error", error: chosen, thrown: chosen });
  });

  it("is `cancelled`, not an error, when the handler throws after an abort", async () => {
    const controller = new AbortController();
    const handler = async (_payload: unknown, ctx: HandlerContext) => {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      throw new Error("aborted");
    };
    const running = runHandler(handler, null, contextOf(controller, []));
    controller.abort();
    await expect(running).resolves.toEqual({ kind: "cancelled" });
  });
});
