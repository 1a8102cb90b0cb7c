import type { DeliveredMessage } from "@taskbridge/broker";
import { createMemoryBroker, createMemoryServer, REGISTRY_EXCHANGE } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import { registerHandlers } from "./registerHandlers.js";

// docs/protocol.md §6 as a gateway sees it: announcements at start and on `query`.
describe("registry announcements", () => {
  it("announces each type at start, when a gateway queries, and after a reconnect", async () => {
    const server = createMemoryServer({ logger: silentLogger });
    const gateway = createMemoryBroker({ server, logger: silentLogger });
    const workerBroker = createMemoryBroker({ server, logger: silentLogger });
    await gateway.assertExchange(REGISTRY_EXCHANGE, "topic", { durable: true });
    await gateway.assertQueue("registry.watch", { exclusive: true });
    await gateway.bindQueue("registry.watch", REGISTRY_EXCHANGE, "announce.#");
    const seen: { key: string; body: unknown }[] = [];
    let wake: () => void = () => {};
    const consumer = await gateway.consume(
      "registry.watch",
      (message: DeliveredMessage) => {
        seen.push({
          key: message.routingKey,
          body: JSON.parse(new TextDecoder().decode(message.body)),
        });
        wake();
      },
      { noAck: true },
    );
    const count = (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => seen.length >= n && resolve();
        wake();
      });

    const worker = await registerHandlers({
      broker: workerBroker,
      handlers: { "a.one": () => 1, "a.two": () => 2 },
      queuePrefix: "p.",
      workerId: "w-test",
      logger: silentLogger,
      services: { "a.one": { description: "the first", payloadSchema: { type: "object" } } },
    });
    await count(2);
    expect(seen).toEqual([
      {
        key: "announce.a.one",
        body: {
          type: "a.one",
          queue: "p.a.one",
          description: "the first",
          payloadSchema: { type: "object" },
          worker: { id: "w-test", language: "typescript", sdkVersion: expect.any(String) },
        },
      },
      {
        key: "announce.a.two",
        body: {
          type: "a.two",
          queue: "p.a.two",
          worker: expect.objectContaining({ id: "w-test" }),
        },
      },
    ]);
    await gateway.publish(REGISTRY_EXCHANGE, "query", "{}");
    await count(4);
    expect(seen.slice(2).map((entry) => entry.key)).toEqual(["announce.a.one", "announce.a.two"]);
    workerBroker.disconnect();
    workerBroker.reconnect();
    await count(6);
    expect(seen.slice(4).map((entry) => entry.key)).toEqual(["announce.a.one", "announce.a.two"]);

    await worker.close();
    await consumer.close();
    for (const queue of ["p.a.one", "p.a.two"]) await gateway.deleteQueue(queue);
    await gateway.close();
    await workerBroker.close();
  });
});
