import { connect as connectTcp, createServer, type Server, type Socket } from "node:net";
import { randomId, silentLogger } from "@taskbridge/core/protocol";
import amqp, { type ChannelModel } from "amqplib";
import { createRabbitBroker } from "./createRabbitBroker.js";
import { DEFAULT_AMQP_URL } from "./readAmqpUrls.js";
import { waitForConnected } from "./waitForConnected.js";

// On the shared RabbitMQ (unique queue, deleted afterwards): a consumer that cannot be restored
// right after a reconnect must be tried again, not given up. In a cluster the refusal is a
// stream's `PRECONDITION_FAILED - … does not have a replica on the local node` while the
// stream's replicas restart after its leader's node stopped (the scale-out scenario saw
// gateways deaf to their own reply stream for good); here an exclusive consumer of another
// connection refuses the restore the same way, for as long as the test wants.
jest.setTimeout(30_000);

const url = process.env.AMQP_URL ?? DEFAULT_AMQP_URL;
const decoder = new TextDecoder();

/** A TCP relay to RabbitMQ whose connections the test can cut, as a dying node does. */
const startRelay = async () => {
  const target = new URL(url);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connectTcp(Number(target.port || 5672), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => open.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const relayed = new URL(url);
  relayed.hostname = "127.0.0.1";
  relayed.port = String(port);
  return {
    url: relayed.toString(),
    cut: () => {
      for (const socket of open) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe("createRabbitBroker's consumers after a reconnect", () => {
  const queue = `t.restore.${randomId(8).toLowerCase()}`;
  let admin: ChannelModel;

  beforeAll(async () => {
    admin = await amqp.connect(url);
  });

  afterAll(async () => {
    const channel = await admin.createChannel();
    await channel.deleteQueue(queue).catch(() => undefined);
    await admin.close();
  });

  it("tries a refused restore again until it succeeds, and then delivers", async () => {
    const relay = await startRelay();
    let connected = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let onRefused: () => void = () => {};
    const refused = new Promise<void>((resolve) => {
      onRefused = resolve;
    });
    const logger = {
      ...silentLogger,
      error: (message: string) => {
        if (message.startsWith("could not restore a consumer")) onRefused();
      },
    };
    const broker = createRabbitBroker({
      url: relay.url,
      logger,
      // the first connection at once; the reconnect waits until the exclusive consumer is in place
      connect: async (target, socketOptions) => {
        connected += 1;
        if (connected > 1) await gate;
        return amqp.connect(target, socketOptions);
      },
    });
    try {
      await waitForConnected(broker, 10_000);
      await broker.assertQueue(queue, { durable: true, autoDelete: false, exclusive: false });
      const received: string[] = [];
      let onReceived: () => void = () => {};
      await broker.consume(queue, (message) => {
        received.push(decoder.decode(message.body));
        message.ack();
        onReceived();
      });

      const lost = new Promise<void>((resolve) => {
        broker.subscribeState((state) => state === "disconnected" && resolve());
      });
      relay.cut();
      await lost;

      // Another connection takes the queue exclusively (once RabbitMQ noticed the old consumer
      // gone): the broker's restore is refused with ACCESS_REFUSED.
      let exclusive: { channel: amqp.Channel; tag: string } | undefined;
      while (exclusive === undefined) {
        const channel = await admin.createChannel();
        channel.on("error", () => {});
        const ok = await channel
          .consume(queue, () => {}, { exclusive: true })
          .catch(() => undefined);
        if (ok !== undefined) exclusive = { channel, tag: ok.consumerTag };
      }
      release();
      await refused;
      await exclusive.channel.cancel(exclusive.tag);

      const got = new Promise<void>((resolve) => {
        onReceived = resolve;
      });
      const publisher = await admin.createChannel();
      publisher.sendToQueue(queue, Buffer.from("after the refusal"));
      await got;
      expect(received).toEqual(["after the refusal"]);
    } finally {
      await broker.close();
      await relay.close();
    }
  });
});
