import type { DeliveredMessage } from "@taskbridge/broker";
import {
  createRabbitBroker,
  deadQueueName,
  type RabbitBroker,
  replyQueueName,
  requestQueueOptions,
  waitForConnected,
} from "@taskbridge/broker";
import { randomId, silentLogger } from "@taskbridge/core/protocol";
import { brief } from "../testing/brief.js";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";

// Runs on the shared RabbitMQ (AMQP_URL or 127.0.0.1:5672) with unique names, deleted afterwards.
describe("createGateway on RabbitMQ", () => {
  const suffix = randomId(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x");
  const gatewayId = `t-${suffix}`;
  const type = `t.${suffix}.echo`;
  const crashType = `t.${suffix}.crash`;
  let harness: GatewayHarness;
  let admin: RabbitBroker;

  beforeAll(async () => {
    admin = createRabbitBroker({ logger: silentLogger });
    const gatewayBroker = createRabbitBroker({ logger: silentLogger });
    const worker = createRabbitBroker({ logger: silentLogger });
    await Promise.all([admin, gatewayBroker, worker].map((b) => waitForConnected(b, 10_000)));
    harness = await createGatewayHarness({ broker: gatewayBroker, worker, gatewayId });
    await worker.assertQueue(type, requestQueueOptions("quorum"));
    await worker.assertQueue(crashType, requestQueueOptions("quorum"));
  });

  afterAll(async () => {
    await harness.close();
    for (const queue of [type, crashType, replyQueueName(gatewayId), deadQueueName(gatewayId)]) {
      await admin.deleteQueue(queue).catch(() => undefined);
    }
    await admin.close();
  });

  it("relays a request and its streamed reply with the protocol's message properties", async () => {
    const seen = new Promise<DeliveredMessage>((resolve) => {
      void harness.worker.consume(type, (message) => {
        resolve(message);
        void (async () => {
          await harness.reply(message, { kind: "chunk", body: "a", seq: 0 });
          await harness.reply(message, { kind: "result", body: { echoed: true }, seq: 1 });
          message.ack();
        })();
      });
    });
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "r1", type, payload: { x: 1 }, timeoutMs: 20_000 });
    const message = await seen;
    expect(message.properties).toMatchObject({
      correlationId: `anon:${client.sessionId}:r1`,
      replyTo: replyQueueName(gatewayId),
      contentType: "application/json",
      expiration: "20000",
      headers: { "x-type": type, "x-principal": "anon" },
    });
    expect(await client.terminal("r1")).toMatchObject({ kind: "result", data: { echoed: true } });
    expect(brief(client.framesOf("r1"))).toEqual(["0:accepted", "1:chunk", "2:result"]);
  });

  it("answers a type nobody serves or announced with UNKNOWN_TYPE (returned by the broker)", async () => {
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "u", type: `t.${suffix}.nobody`, payload: null });
    await client.terminal("u");
    expect(brief(client.framesOf("u"))).toEqual(["0:error:UNKNOWN_TYPE"]);
  });

  it("ends a request that hits the delivery limit with WORKER_CRASHED", async () => {
    await harness.worker.consume(crashType, (message) => message.nack(true));
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "c", type: crashType, payload: null });
    expect(await client.terminal("c")).toMatchObject({
      error: { code: "WORKER_CRASHED", details: { reason: "delivery_limit" } },
    });
    expect(brief(client.framesOf("c"))).toEqual(["0:accepted", "1:error:WORKER_CRASHED"]);
  });
});
