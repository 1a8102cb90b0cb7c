import type { Broker } from "@taskbridge/broker";
import { createMemoryBroker, createMemoryServer, type MemoryBroker } from "@taskbridge/broker";
import { defineHandlers, type Logger, silentLogger } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import {
  type AmqpTestClient,
  createAmqpTestClient,
} from "../../../test/contracts/createAmqpTestClient.js";
import { registerHandlers, type Worker } from "./registerHandlers.js";

// A reply that cannot be published sends the request back to its queue only after a back-off
// (100 ms doubling to 5 s): with a live consumer and a broker that keeps refusing the reply, the
// request is not redelivered in a tight loop.

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const TYPE = "t.backoff";

/** Lets the memory broker's deliveries (on later macrotasks) happen. */
const settleDeliveries = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe("a request whose reply cannot be published", () => {
  let workerBroker: MemoryBroker;
  let clientBroker: MemoryBroker;
  let client: AmqpTestClient;
  let worker: Worker | undefined;
  let deliveries: number;
  let waiting: (() => void) | undefined;
  const timers = createManualTimers();

  /** Resolves once the handler ran `count` times in all. */
  const delivered = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (deliveries >= count) resolve();
        else waiting = check;
      };
      check();
    });

  beforeEach(async () => {
    const server = createMemoryServer({ logger: silentLogger });
    workerBroker = createMemoryBroker({ server, logger: silentLogger });
    clientBroker = createMemoryBroker({ server, logger: silentLogger });
    client = await createAmqpTestClient(clientBroker);
    deliveries = 0;
    // The worker's replies are all nacked by the broker (e.g. a full reply queue).
    const refusing: Broker = { ...workerBroker, publish: async () => "nacked" };
    worker = await registerHandlers({
      broker: refusing,
      handlers: defineHandlers({
        [TYPE]: () => {
          deliveries++;
          waiting?.();
          return "ok";
        },
      }),
      queueType: "classic",
      announce: false,
      logger: silent,
      timers,
      graceMs: 60_000,
    });
  });

  afterEach(async () => {
    await worker?.close();
    await client.close();
    await clientBroker.deleteQueue(TYPE);
    await clientBroker.close();
    await workerBroker.close();
  });

  it("is redelivered after 100, 200, 400, 800 ms, not at once", async () => {
    await client.request(TYPE, null);
    await delivered(1);
    await settleDeliveries();
    expect(timers.pending()).toBe(1);
    const seen: number[] = [];
    // One second of the manual clock, in 50 ms steps: redeliveries at 100, 300 and 700 ms.
    for (let t = 50; t <= 1_000; t += 50) {
      timers.advance(50);
      await settleDeliveries();
      if (deliveries > seen.length + 1) seen.push(t);
    }
    expect(seen).toEqual([100, 300, 700]);
    expect(deliveries).toBe(4);
    timers.advance(500);
    await delivered(5);
    expect(deliveries).toBe(5);
  });

  it("is handed back at once by close(), with its back-off pending", async () => {
    await client.request(TYPE, null);
    await delivered(1);
    await settleDeliveries();
    expect(timers.pending()).toBe(1);
    await worker?.close();
    worker = undefined;
    expect(timers.pending()).toBe(0);
    // Back in its queue: another worker gets it without the clock moving.
    worker = await registerHandlers({
      broker: workerBroker,
      handlers: defineHandlers({
        [TYPE]: () => {
          deliveries++;
          waiting?.();
          return "ok";
        },
      }),
      queueType: "classic",
      announce: false,
      logger: silent,
    });
    await delivered(2);
    expect(deliveries).toBe(2);
  });
});
