import { silentLogger } from "@taskbridge/core/protocol";
import amqp, { type ChannelModel } from "amqplib";
import { describeBrokerContract } from "../../../test/contracts/brokerContract.js";
import { createRabbitBroker, type RabbitBroker } from "./createRabbitBroker.js";
import type { Broker } from "./types.js";
import { waitForConnected } from "./waitForConnected.js";

/** Resolves once `broker` reports `state`. */
const reaches = (broker: Broker, state: string): Promise<void> =>
  new Promise((resolve) => {
    const off = broker.subscribeState((now) => {
      if (now === state) {
        off();
        resolve();
      }
    });
  });

// The shared RabbitMQ (AMQP_URL or 127.0.0.1:5672): every name is unique and deleted afterwards.
describeBrokerContract("RabbitMQ", async () => {
  const admin = createRabbitBroker({ logger: silentLogger });
  const opened: RabbitBroker[] = [admin];
  const models = new Map<Broker, ChannelModel>();
  return {
    connect: async () => {
      const broker: RabbitBroker = createRabbitBroker({
        logger: silentLogger,
        backoff: () => 50,
        connect: async (url, socketOptions) => {
          const model = await amqp.connect(url, socketOptions);
          models.set(broker, model);
          return model;
        },
      });
      opened.push(broker);
      await waitForConnected(broker, 10_000);
      return broker;
    },
    deleteQueue: (name) => admin.deleteQueue(name),
    deleteExchange: (name) => admin.deleteExchange(name),
    dropConnection: async (broker, whileDown) => {
      const down = reaches(broker, "disconnected");
      // What a network failure does: the TCP socket goes away under amqplib.
      const socket = (
        models.get(broker)!.connection as unknown as {
          stream: NodeJS.ReadWriteStream & { destroy: (error: Error) => void };
        }
      ).stream;
      socket.destroy(new Error("dropped by the test"));
      await down;
      await whileDown();
      await waitForConnected(broker, 10_000);
    },
    close: async () => {
      for (const broker of opened) await broker.close();
    },
  };
});
