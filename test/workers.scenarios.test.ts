import { createMemoryBroker } from "../broker/createMemoryBroker.js";
import { silentBrokerLogger } from "../broker/logger.js";
import { createMemoryServer } from "../broker/memoryServer.js";
import { silentWorkerLogger } from "../workers/logger.js";
import { referenceHandlers } from "../workers/reference/index.js";
import { registerHandlers } from "../workers/registerHandlers.js";
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
