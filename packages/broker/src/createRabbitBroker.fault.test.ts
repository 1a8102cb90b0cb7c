import { silentLogger } from "@taskbridge/core/protocol";
import { createRabbitNode, type RabbitNode } from "../../../test/support/rabbitNode.js";
import { createRabbitBroker, type RabbitBroker } from "./createRabbitBroker.js";
import { exponentialBackoff } from "./exponentialBackoff.js";
import type { BrokerState, DeliveredMessage } from "./types.js";
import { waitForConnected } from "./waitForConnected.js";

// Kills and restarts a throwaway RabbitMQ node (never the shared one). A node boots in ~5-10 s here.
jest.setTimeout(180_000);

const decoder = new TextDecoder();

describe("createRabbitBroker when RabbitMQ crashes and comes back", () => {
  let node: RabbitNode;
  let broker: RabbitBroker | undefined;

  beforeAll(async () => {
    node = await createRabbitNode();
    await node.start();
  });

  afterAll(async () => {
    await broker?.close();
    await node?.dispose();
  });

  it("reports the outage, rejects publishes meanwhile, and restores topology and consumers", async () => {
    broker = createRabbitBroker({
      url: node.url,
      logger: silentLogger,
      backoff: exponentialBackoff({ initialMs: 100, maxMs: 1000 }),
    });
    const states: BrokerState[] = [];
    broker.subscribeState((state) => states.push(state));
    await waitForConnected(broker, 30_000);

    // transient exchange and queue: they vanish with the node, so only a replay brings them back
    await broker.assertExchange("fault.fan", "fanout", { durable: false });
    await broker.assertQueue("fault.q", { durable: false });
    await broker.bindQueue("fault.q", "fault.fan", "");
    const received: string[] = [];
    let onReceived: (() => void) | undefined;
    await broker.consume(
      "fault.q",
      (message: DeliveredMessage) => {
        received.push(decoder.decode(message.body));
        message.ack();
        onReceived?.();
      },
      { prefetch: 5 },
    );
    const nextReceived = () =>
      new Promise<void>((resolve) => {
        onReceived = resolve;
      });

    let got = nextReceived();
    await expect(broker.publish("fault.fan", "", "before", { mandatory: true })).resolves.toBe(
      "routed",
    );
    await got;

    const disconnected = new Promise<void>((resolve) => {
      const off = broker!.subscribeState((state) => {
        if (state === "disconnected") {
          off();
          resolve();
        }
      });
    });
    await node.kill();
    await disconnected;
    await expect(broker.publish("fault.fan", "", "during")).rejects.toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
    });

    await node.start();
    await waitForConnected(broker, 60_000);
    expect(states[0]).toBe("connected");
    expect(states).toContain("disconnected");
    expect(states.at(-1)).toBe("connected");

    got = nextReceived();
    await expect(broker.publish("fault.fan", "", "after", { mandatory: true })).resolves.toBe(
      "routed",
    );
    await got;
    expect(received).toEqual(["before", "after"]);
  });

  it("a message redelivered to a restored consumer can be answered at once (publish works before the replay ends)", async () => {
    await broker?.close();
    broker = createRabbitBroker({
      url: node.url,
      logger: silentLogger,
      backoff: exponentialBackoff({ initialMs: 100, maxMs: 1000 }),
    });
    const active = broker;
    await waitForConnected(active, 30_000);
    await active.assertQueue("fault.work");
    await active.assertQueue("fault.other");
    // What a worker does: it answers each delivery, and acks only once the answer is confirmed.
    const answers: Promise<unknown>[] = [];
    let onDelivery: (() => void) | undefined;
    await active.consume("fault.work", (message: DeliveredMessage) => {
      if (answers.length > 0) {
        answers.push(active.publish("", "fault.other", "answer"));
        message.ack();
      } else answers.push(Promise.resolve("held, unacked"));
      onDelivery?.();
    });
    // A second consumer: restoring it takes round trips after the first one is back.
    await active.consume("fault.other", (message: DeliveredMessage) => message.ack());
    const delivered = () =>
      new Promise<void>((resolve) => {
        onDelivery = resolve;
      });
    let next = delivered();
    await active.publish("", "fault.work", "job", { persistent: true });
    await next;
    next = delivered();
    await node.restart();
    await next;
    await expect(answers[1]).resolves.toBe("routed");
    await waitForConnected(active, 60_000);
    await active.deleteQueue("fault.work");
    await active.deleteQueue("fault.other");
  });
});
