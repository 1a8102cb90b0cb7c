import { silentLogger } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import { createMemoryBroker } from "./createMemoryBroker.js";
import { createMemoryServer } from "./createMemoryServer.js";
import { replyStreamOptions } from "./topology.js";
import type { DeliveredMessage } from "./types.js";

// What only the memory stream can show (the clock is manual): retention, timestamps to the
// second, prefetch. The contract suite holds what RabbitMQ and the memory broker share.
const decoder = new TextDecoder();
const text = (message: DeliveredMessage): string => decoder.decode(message.body);

const setup = async () => {
  const timers = createManualTimers(1_000_000_000_000);
  const server = createMemoryServer({ timers, logger: silentLogger });
  const broker = createMemoryBroker({ server, logger: silentLogger });
  await broker.assertQueue("s", replyStreamOptions("1m"));
  return { timers, server, broker };
};

/** Collects what a consumer gets; `until(n)` waits for n messages. */
const collect = () => {
  const received: DeliveredMessage[] = [];
  const waiters: { count: number; done: () => void }[] = [];
  return {
    received,
    onMessage: (message: DeliveredMessage) => {
      received.push(message);
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.done();
        }
      }
    },
    until: (count: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else waiters.push({ count, done: resolve });
      }),
  };
};

describe("memory streams", () => {
  it("drop what is older than x-max-age when the next message is written", async () => {
    const { timers, broker } = await setup();
    await broker.publish("", "s", "old");
    timers.advance(61_000);
    await broker.publish("", "s", "new");
    const inbox = collect();
    await broker.consume("s", inbox.onMessage, { prefetch: 5, streamOffset: "first" });
    await inbox.until(1);
    expect(inbox.received.map((m) => [text(m), m.streamOffset])).toEqual([["new", 1]]);
  });

  it("start at a timestamp to the second, as AMQP timestamps are", async () => {
    const { timers, broker } = await setup();
    await broker.publish("", "s", "a");
    timers.advance(1500);
    const between = timers.now();
    await broker.publish("", "s", "b");
    timers.advance(1000);
    await broker.publish("", "s", "c");
    const inbox = collect();
    await broker.consume("s", inbox.onMessage, {
      prefetch: 5,
      streamOffset: { timestamp: between + 400 },
    });
    await inbox.until(2);
    expect(inbox.received.map(text)).toEqual(["b", "c"]);
  });

  it("hold back what is beyond the prefetch until acks free room, and never redeliver", async () => {
    const { broker } = await setup();
    for (const body of ["a", "b", "c"]) await broker.publish("", "s", body);
    const inbox = collect();
    await broker.consume("s", inbox.onMessage, { prefetch: 2, streamOffset: "first" });
    await inbox.until(2);
    await broker.publish("", "s", "d");
    expect(inbox.received.map(text)).toEqual(["a", "b"]);
    inbox.received[0]!.nack(true);
    await inbox.until(3);
    inbox.received[1]!.ack();
    await inbox.until(4);
    expect(inbox.received.map(text)).toEqual(["a", "b", "c", "d"]);
  });

  it("refuse a consumer without a prefetch, and an exclusive or non-durable declaration", async () => {
    const { broker } = await setup();
    await expect(broker.consume("s", () => {})).rejects.toMatchObject({
      details: { reason: "precondition_failed" },
    });
    await expect(
      broker.assertQueue("t", { ...replyStreamOptions(), exclusive: true }),
    ).rejects.toMatchObject({ details: { reason: "precondition_failed" } });
    await expect(
      broker.assertQueue("u", {
        durable: true,
        arguments: { "x-queue-type": "stream", "x-max-age": "2 hours" },
      }),
    ).rejects.toMatchObject({ details: { reason: "precondition_failed" } });
  });
});
