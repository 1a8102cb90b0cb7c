import { createMemoryBroker, createMemoryServer } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { registerHandlers } from "@taskbridge/worker";
import { describeWorkerScenarios } from "./contracts/workerScenarios.js";

// The worker scenario suite against the TypeScript SDK on the in-memory broker: fast, no RabbitMQ.
describeWorkerScenarios("TypeScript SDK, in-process, memory broker", async ({ queuePrefix }) => {
  const server = createMemoryServer({ logger: silentLogger });
  const broker = createMemoryBroker({ server, logger: silentLogger });
  const workerBroker = createMemoryBroker({ server, logger: silentLogger });
  const worker = await registerHandlers({
    broker: workerBroker,
    handlers: referenceHandlers,
    queuePrefix,
    logger: silentLogger,
  });
  return {
    broker,
    stop: async () => {
      await worker.close();
      await workerBroker.close();
    },
    deleteQueue: (name) => broker.deleteQueue(name),
    dispose: async () => {
      await broker.close();
      server.close();
    },
  };
});
