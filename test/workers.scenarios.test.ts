import { createMemoryBroker, createMemoryServer, silentBrokerLogger } from "@taskbridge/broker";
import { referenceHandlers } from "@taskbridge/core/reference";
import { registerHandlers, silentWorkerLogger } from "@taskbridge/worker";
import { describeWorkerScenarios } from "./contracts/workerScenarios.js";

// The worker scenario suite against the TypeScript SDK on the in-memory broker: fast, no RabbitMQ.
describeWorkerScenarios("TypeScript SDK, in-process, memory broker", async ({ queuePrefix }) => {
  const server = createMemoryServer({ logger: silentBrokerLogger });
  const broker = createMemoryBroker({ server, logger: silentBrokerLogger });
  const workerBroker = createMemoryBroker({ server, logger: silentBrokerLogger });
  const worker = await registerHandlers({
    broker: workerBroker,
    handlers: referenceHandlers,
    queuePrefix,
    logger: silentWorkerLogger,
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
