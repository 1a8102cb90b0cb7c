import { describeBrokerContract } from "../../../test/contracts/brokerContract.js";
import { createMemoryBroker, type MemoryBroker } from "./createMemoryBroker.js";
import { createMemoryServer } from "./createMemoryServer.js";
import type { Broker } from "./types.js";

describeBrokerContract("memory", async () => {
  const server = createMemoryServer();
  const brokers = new Map<Broker, MemoryBroker>();
  return {
    connect: async () => {
      const broker = createMemoryBroker({ server });
      brokers.set(broker, broker);
      return broker;
    },
    deleteQueue: async (name) => server.deleteQueue(name),
    deleteExchange: async (name) => server.deleteExchange(name),
    dropConnection: async (broker, whileDown) => {
      const memory = brokers.get(broker)!;
      memory.disconnect();
      await whileDown();
      memory.reconnect();
    },
    close: async () => {},
  };
});
