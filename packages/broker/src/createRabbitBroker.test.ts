import { createServer } from "node:net";
import { type Logger, randomId, silentLogger } from "@taskbridge/core/protocol";
import amqp, { type ChannelModel } from "amqplib";
import { createRabbitBroker } from "./createRabbitBroker.js";
import type { BrokerState, DeliveredMessage } from "./types.js";
import { waitForConnected } from "./waitForConnected.js";

/** A port nothing listens on: taken from the OS, then released. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });

describe("createRabbitBroker without a reachable RabbitMQ", () => {
  it("retries with back-off, rejects publishes at once, holds declarations, and closes cleanly", async () => {
    const port = await closedPort();
    const attempts: number[] = [];
    const broker = createRabbitBroker({
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      logger: silentLogger,
      backoff: (attempt) => {
        attempts.push(attempt);
        return 20;
      },
    });
    expect(broker.getState()).toBe("connecting");
    const states: BrokerState[] = [];
    const retried = new Promise<void>((resolve) => {
      broker.subscribeState((state) => {
        states.push(state);
        if (attempts.length >= 3) resolve();
      });
    });
    const declared = broker.assertQueue("never.declared");
    await retried;
    expect(states).toEqual(expect.arrayContaining(["disconnected", "connecting"]));
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    await expect(broker.publish("", "q", "x")).rejects.toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
    });
    await broker.close();
    expect(broker.getState()).toBe("closed");
    await expect(declared).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(broker.consume("q", () => {})).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});

describe("createRabbitBroker with several addresses", () => {
  // Two names of the shared node stand for two cluster nodes: what is checked is the order of the
  // attempts and the replay, not RabbitMQ's clustering (test/cluster.failover.live.test.ts is).
  it("skips an unreachable address, fails over to the next one after a loss, and replays there", async () => {
    const port = await closedPort();
    const dead = `amqp://guest:guest@127.0.0.1:${port}`;
    const nodeA = "amqp://guest:guest@127.0.0.1:5672";
    const nodeB = "amqp://guest:guest@localhost:5672";
    const tried: string[] = [];
    const opened: ChannelModel[] = [];
    const logged: { level: string; message: string; url: unknown }[] = [];
    const record =
      (level: string) =>
      (message: string, fields?: Readonly<Record<string, unknown>>): void => {
        logged.push({ level, message, url: fields?.url });
      };
    const logger: Logger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    };
    const broker = createRabbitBroker({
      urls: [dead, nodeA, nodeB],
      logger,
      backoff: () => 20,
      connect: async (url, socketOptions) => {
        tried.push(new URL(url).host);
        const connection = await amqp.connect(url, socketOptions);
        opened.push(connection);
        return connection;
      },
    });
    const queue = `t.failover.${randomId(8)}`;
    try {
      await waitForConnected(broker, 10_000);
      expect(tried).toEqual([`127.0.0.1:${port}`, "127.0.0.1:5672"]);
      expect(logged).toContainEqual({
        level: "warn",
        message: "could not connect to RabbitMQ",
        url: `amqp://guest@127.0.0.1:${port}?heartbeat=10`,
      });
      expect(logged).toContainEqual({
        level: "info",
        message: "connected to RabbitMQ",
        url: "amqp://guest@127.0.0.1:5672?heartbeat=10",
      });

      await broker.assertQueue(queue, { autoDelete: true, durable: false });
      const received: string[] = [];
      let onMessage: () => void = () => {};
      await broker.consume(queue, (message: DeliveredMessage) => {
        received.push(new TextDecoder().decode(message.body));
        message.ack();
        onMessage();
      });
      const reconnected = new Promise<void>((resolve) => {
        let lost = false;
        broker.subscribeState((state) => {
          if (state === "disconnected") lost = true;
          if (lost && state === "connected") resolve();
        });
      });
      // The node "goes away": its connection closes under the broker.
      await opened[0]?.close();
      await reconnected;
      // The address after the lost one comes first; the unreachable one is not tried again.
      expect(tried).toEqual([`127.0.0.1:${port}`, "127.0.0.1:5672", "localhost:5672"]);

      const got = new Promise<void>((resolve) => {
        onMessage = resolve;
      });
      await expect(broker.publish("", queue, "after failover")).resolves.toBe("routed");
      await got;
      expect(received).toEqual(["after failover"]);
    } finally {
      await broker.close();
    }
  });

  it("refuses an address that is not an AMQP URL, naming the option", () => {
    expect(() =>
      createRabbitBroker({ urls: ["amqp://a", "rabbit:5672"], logger: silentLogger }),
    ).toThrow(/^urls must be amqp/);
  });
});
