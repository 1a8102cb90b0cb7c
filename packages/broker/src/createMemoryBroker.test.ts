import { silentLogger } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import { createMemoryBroker } from "./createMemoryBroker.js";
import { createMemoryServer } from "./createMemoryServer.js";
import {
  DEAD_EXCHANGE,
  DEAD_QUEUE,
  declareTopology,
  readDeath,
  requestQueueOptions,
} from "./topology.js";
import type { BrokerState, DeliveredMessage } from "./types.js";

const decoder = new TextDecoder();
const text = (message: DeliveredMessage): string => decoder.decode(message.body);

/** Resolves with the next message the consumer gets. */
const inbox = () => {
  const queued: DeliveredMessage[] = [];
  const waiting: ((message: DeliveredMessage) => void)[] = [];
  return {
    onMessage: (message: DeliveredMessage) => {
      const waiter = waiting.shift();
      if (waiter === undefined) queued.push(message);
      else waiter(message);
    },
    next: (): Promise<DeliveredMessage> => {
      const message = queued.shift();
      return message === undefined
        ? new Promise((resolve) => waiting.push(resolve))
        : Promise.resolve(message);
    },
    queued,
  };
};

const setup = () => {
  const timers = createManualTimers(1_000_000);
  const server = createMemoryServer({ timers, logger: silentLogger });
  return { timers, server, broker: createMemoryBroker({ server }) };
};

describe("createMemoryBroker", () => {
  it("declares the shared topology of docs/protocol.md §3, idempotently", async () => {
    const { broker, server } = setup();
    await declareTopology(broker);
    await declareTopology(broker);
    await broker.publish(DEAD_EXCHANGE, "any", "dead");
    expect(server.messageCount(DEAD_QUEUE)).toBe(1);
    await expect(
      broker.assertQueue("demo.echo", requestQueueOptions("quorum")),
    ).resolves.toBeUndefined();
    await expect(broker.assertQueue("demo.echo", requestQueueOptions("classic"))).rejects.toThrow(
      /queue "demo.echo" already exists with different arguments/,
    );
  });

  it("expires a waiting message on the clock, with reason expired", async () => {
    const { broker, timers } = setup();
    await declareTopology(broker);
    await broker.assertQueue("q", requestQueueOptions("quorum"));
    const dead = inbox();
    await broker.consume(DEAD_QUEUE, dead.onMessage, { noAck: true });
    await broker.publish("", "q", "late", { expiration: "5000", replyTo: "r" });
    timers.advance(4999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(dead.queued).toHaveLength(0);
    timers.advance(1);
    const message = await dead.next();
    expect(text(message)).toBe("late");
    expect(readDeath(message.properties.headers)).toEqual({
      reason: "expired",
      queue: "q",
      count: 1,
    });
    expect(message.properties.replyTo).toBe("r");
  });

  it("deletes a queue unused for x-expires, and not while it has a consumer", async () => {
    const { broker, server, timers } = setup();
    await broker.assertQueue("reply", { arguments: { "x-expires": 60_000 } });
    const consumer = await broker.consume("reply", () => {});
    timers.advance(120_000);
    expect(server.hasQueue("reply")).toBe(true);
    await consumer.close();
    timers.advance(59_999);
    expect(server.hasQueue("reply")).toBe(true);
    timers.advance(1);
    expect(server.hasQueue("reply")).toBe(false);
  });

  it("drops the head of a full drop-head queue into the dead letters with reason maxlen", async () => {
    const { broker } = setup();
    await declareTopology(broker);
    await broker.assertQueue("small", {
      arguments: { "x-max-length": 1, "x-dead-letter-exchange": DEAD_EXCHANGE },
    });
    const dead = inbox();
    await broker.consume(DEAD_QUEUE, dead.onMessage, { noAck: true });
    await broker.publish("", "small", "first");
    await expect(broker.publish("", "small", "second")).resolves.toBe("routed");
    const message = await dead.next();
    expect(text(message)).toBe("first");
    expect(readDeath(message.properties.headers)?.reason).toBe("maxlen");
  });

  it("rejects a publish to a missing exchange with NOT_FOUND", async () => {
    const { broker } = setup();
    await expect(broker.publish("nope", "", "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses to redeclare an exchange as another type", async () => {
    const { broker } = setup();
    await broker.assertExchange("x", "fanout");
    await expect(broker.assertExchange("x", "topic")).rejects.toThrow(
      /exchange "x" already exists/,
    );
  });

  it("keeps an exclusive queue to its connection and deletes it when that closes", async () => {
    const { broker, server } = setup();
    const other = createMemoryBroker({ server });
    await broker.assertQueue("mine", { exclusive: true, durable: false });
    await expect(other.consume("mine", () => {})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await broker.close();
    expect(server.hasQueue("mine")).toBe(false);
    await other.close();
  });

  it("refuses a second consumer on a queue consumed exclusively", async () => {
    const { broker } = setup();
    await broker.assertQueue("solo");
    await broker.consume("solo", () => {}, { exclusive: true });
    await expect(broker.consume("solo", () => {})).rejects.toThrow(/exclusive consumer/);
  });

  it("simulates a lost connection: requeues, rejects publishes, then replays declarations and consumers", async () => {
    const { server } = setup();
    const worker = createMemoryBroker({ server });
    const gateway = createMemoryBroker({ server });
    const states: BrokerState[] = [];
    worker.subscribeState((state) => states.push(state));
    await worker.assertQueue("jobs");
    await worker.assertQueue("mine", { exclusive: true, durable: false });
    const received = inbox();
    await worker.consume("jobs", received.onMessage);
    await gateway.publish("", "jobs", "1");
    const first = await received.next();

    worker.disconnect();
    expect(server.hasQueue("mine")).toBe(false); // exclusive queues die with their connection
    await expect(worker.publish("", "jobs", "x")).rejects.toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
    });
    first.ack(); // too late: the message went back to the queue
    const declaredLater = worker.assertExchange("later", "fanout");

    worker.reconnect();
    await declaredLater;
    expect(states).toEqual(["disconnected", "connecting", "connected"]);
    expect(server.hasQueue("mine")).toBe(true);
    const again = await received.next();
    expect([text(again), again.redelivered]).toEqual(["1", true]);
    await gateway.publish("", "jobs", "2");
    expect(text(await received.next())).toBe("2");
    await worker.close();
    await gateway.close();
  });

  it("counts a consumer that throws as having received the message and goes on delivering", async () => {
    const { broker } = setup();
    await broker.assertQueue("q");
    const received: string[] = [];
    let done: () => void = () => {};
    const both = new Promise<void>((resolve) => {
      done = resolve;
    });
    await broker.consume(
      "q",
      (message) => {
        received.push(text(message));
        message.ack();
        if (received.length === 2) done();
        if (received.length === 1) throw new Error("handler bug");
      },
      { prefetch: 1 },
    );
    await broker.publish("", "q", "a");
    await broker.publish("", "q", "b");
    await both;
    expect(received).toEqual(["a", "b"]);
  });

  it("close() deletes every queue and clears the TTL and x-expires timers it armed", async () => {
    const { broker, server, timers } = setup();
    await broker.assertQueue("reply", { arguments: { "x-expires": 60_000 } });
    await broker.assertQueue("jobs", { arguments: { "x-message-ttl": 30_000 } });
    await broker.publish("", "jobs", "waiting");
    expect(timers.pending()).toBe(2);
    await broker.close();
    server.close();
    expect(timers.pending()).toBe(0);
    expect(server.hasQueue("reply")).toBe(false);
    expect(server.messageCount("jobs")).toBeUndefined();
    server.close();
  });
});
