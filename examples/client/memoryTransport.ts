import {
  createError,
  createMemoryTransport,
  createRequestStore,
  makeBackendRequest,
  simulateWorkerCrash,
} from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";

export async function memoryTransportExample() {
  // Slow and flaky, for a story: 300–500 ms before a handler starts, 1 request in 5 refused.
  const flaky = createMemoryTransport({
    handlers: referenceHandlers,
    latencyMs: 300,
    jitterMs: 200,
    failureRate: 0.2,
    random: () => 0.1, // injected: this run always draws a failure
    failWith: createError("UNAVAILABLE", "the service is down", { retryable: true }),
  });
  const refused = await makeBackendRequest(flaky, "demo.echo", "hi").catch((e) => e.code);
  await flaky.close();

  // A worker that crashes once: the client sees `restart`, attempt 2 runs to the end.
  const crashing = createMemoryTransport({
    handlers: {
      "report.build": async (_payload: null, ctx) => {
        ctx.emit(`page 1 (attempt ${ctx.attempt})`);
        if (ctx.attempt === 1) throw simulateWorkerCrash();
        await new Promise((resolve) => setTimeout(resolve, 10));
        ctx.emit(`page 2 (attempt ${ctx.attempt})`);
        return "done";
      },
    },
  });
  const store = createRequestStore<null, string, string>(crashing, "report.build");
  await store.send(null);
  const { status, attempt, chunks } = store.getState();
  await crashing.close();

  return { refused, status, attempt, chunks };
  // → { refused: "UNAVAILABLE", status: "success", attempt: 2,
  //     chunks: ["page 1 (attempt 2)", "page 2 (attempt 2)"] }
}
