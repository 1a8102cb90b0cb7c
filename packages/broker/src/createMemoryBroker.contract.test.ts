import { describeBrokerContract } from "../../../test/contracts/brokerContract.js";
import { createMemoryBroker } from "./createMemoryBroker.js";
import { createMemoryServer } from "./createMemoryServer.js";

describeBrokerContract("memory", async () => {
  const server = createMemoryServer();
  return {
    connect: async () => createMemoryBroker({ server }),
    deleteQueue: async (name) => server.deleteQueue(name),
    deleteExchange: async (name) => server.deleteExchange(name),
    close: async () => {},
  };
});
