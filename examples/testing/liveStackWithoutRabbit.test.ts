import { createMemoryBroker, createMemoryServer } from "@taskbridge/broker";
import { makeBackendRequest } from "@taskbridge/core";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createManualTimers } from "@taskbridge/core/testing";
import { createGateway, silentLogger } from "@taskbridge/gateway";
import { referenceHandlers, registerHandlers } from "@taskbridge/worker";

// The real gateway, worker SDK and Socket.IO transport, with RabbitMQ swapped for the
// in-memory broker: a real socket on an ephemeral port, the same frames as in production.
describe("the live path on the in-memory broker", () => {
  // Broker-side timers (message TTL, x-expires) on a manual clock: nothing lingers after the test.
  const server = createMemoryServer({ timers: createManualTimers(Date.now()) });
  const gatewayBroker = createMemoryBroker({ server });
  const workerBroker = createMemoryBroker({ server });
  let stop: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    const worker = await registerHandlers({
      broker: workerBroker,
      handlers: referenceHandlers,
      logger: silentLogger,
    });
    const gateway = await createGateway({
      broker: gatewayBroker,
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
    });
    url = `http://127.0.0.1:${gateway.port}`;
    stop = async () => {
      await gateway.close();
      await worker.close();
      await gatewayBroker.close();
      await workerBroker.close();
    };
  });
  afterAll(() => stop());

  it("runs demo.count through gateway and worker", async () => {
    const transport = createSocketIoTransport({ url });
    const chunks: unknown[] = [];
    const result = await makeBackendRequest(
      transport,
      "demo.count",
      { n: 3 },
      { onChunk: (chunk) => chunks.push(chunk) },
    );
    await transport.close();
    expect(chunks).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(result).toEqual({ count: 3 });
  });
});
