import { createMemoryTransport } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";
import { describeTransportContract } from "./contracts/transportContract.js";

describeTransportContract("memory transport", async () => {
  const transport = createMemoryTransport({ handlers: referenceHandlers });
  return { transport, teardown: () => transport.close() };
});

describeTransportContract("memory transport with latency and jitter", async () => {
  const transport = createMemoryTransport({
    handlers: referenceHandlers,
    latencyMs: 2,
    jitterMs: 3,
  });
  return { transport, teardown: () => transport.close() };
});
