import { silentLogger } from "@taskbridge/core/protocol";
import { describeBrokerContract } from "../../../test/contracts/brokerContract.js";
import { createRabbitBroker, type RabbitBroker } from "./createRabbitBroker.js";
import { waitForConnected } from "./waitForConnected.js";

// The shared RabbitMQ (AMQP_URL or 127.0.0.1:5672): every name is unique and deleted afterwards.
describeBrokerContract("RabbitMQ", async () => {
  const admin = createRabbitBroker({ logger: silentLogger });
  const opened: RabbitBroker[] = [admin];
  return {
    connect: async () => {
      const broker = createRabbitBroker({ logger: silentLogger });
      opened.push(broker);
      await waitForConnected(broker, 10_000);
      return broker;
    },
    deleteQueue: (name) => admin.deleteQueue(name),
    deleteExchange: (name) => admin.deleteExchange(name),
    close: async () => {
      for (const broker of opened) await broker.close();
    },
  };
});
