import {
  createRabbitBroker,
  deadQueueName,
  type RabbitBroker,
  replyQueueName,
  waitForConnected,
} from "@taskbridge/broker";
import {
  createRequestId,
  isTerminalFrame,
  type ReplyFrame,
  randomId,
  silentLogger,
} from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, definePlugin, type Gateway } from "@taskbridge/gateway";
import { registerHandlers, type Worker } from "@taskbridge/worker";
import amqp, { type ChannelModel } from "amqplib";
import { expectWellFormed } from "./support/expectWellFormed.js";
import { startTcpProxy, type TcpProxy } from "./support/startTcpProxy.js";

// docs/protocol.md §14.3 on the shared RabbitMQ (127.0.0.1:5672): gateways A and B with reply
// streams, each on its own connection, a TS worker streaming demo.count, and a 1.1 Socket.IO
// client that reaches A through a TCP proxy. A is killed mid-stream (its AMQP socket destroyed,
// its client connections cut, nothing drained); the proxy sends the client to B, which adopts
// the request from A's stream. Names are unique per run and deleted afterwards (streams have no
// x-expires).
jest.setTimeout(60_000);

const N = 40;

describe("resume on any gateway, live on RabbitMQ", () => {
  const suffix = randomId(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x");
  const prefix = `t.${suffix}.`;
  const ids = [`t-${suffix}-a`, `t-${suffix}-b`] as const;
  const brokers: RabbitBroker[] = [];
  const gateways: Gateway[] = [];
  let worker: Worker | undefined;
  let proxy: TcpProxy | undefined;
  let admin: RabbitBroker;

  const broker = (connect?: Parameters<typeof createRabbitBroker>[0]) => {
    const created = createRabbitBroker({ logger: silentLogger, ...connect });
    brokers.push(created);
    return created;
  };

  beforeAll(() => {
    admin = createRabbitBroker({ logger: silentLogger });
  });

  afterAll(async () => {
    await proxy?.close();
    await worker?.close();
    for (const gateway of gateways) await gateway.close();
    for (const created of brokers) await created.close();
    const queues = [
      `${prefix}demo.count`,
      ...ids.flatMap((id) => [replyQueueName(id), deadQueueName(id)]),
    ];
    for (const queue of queues) await admin.deleteQueue(queue).catch(() => undefined);
    await admin.close();
  });

  it("gives the client every chunk once, in order, and one terminal frame after its gateway died", async () => {
    let aConnection: ChannelModel | undefined;
    const aBroker = broker({
      connect: async (url, socketOptions) => {
        aConnection = await amqp.connect(url, socketOptions);
        return aConnection;
      },
    });
    const bBroker = broker();
    const workerBroker = broker();
    await Promise.all(
      [admin, aBroker, bBroker, workerBroker].map((b) => waitForConnected(b, 10_000)),
    );
    // The worker serves `<prefix>demo.count`, so it competes with nobody on the shared node.
    const route = definePlugin({
      name: "route",
      match: "demo.count",
      queue: `${prefix}demo.count`,
    });
    const common = {
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
      replyQueueType: "stream",
      plugins: [route],
    } as const;
    const a = await createGateway({ ...common, broker: aBroker, gatewayId: ids[0] });
    gateways.push(a);
    const b = await createGateway({ ...common, broker: bBroker, gatewayId: ids[1] });
    gateways.push(b);
    worker = await registerHandlers({
      broker: workerBroker,
      handlers: referenceHandlers,
      queuePrefix: prefix,
      announce: false,
      logger: silentLogger,
    });
    proxy = await startTcpProxy(a.port);
    const transport = createSocketIoTransport({
      url: proxy.url,
      logger: silentLogger,
      socketOptions: {
        transports: ["websocket"],
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
      },
    });

    const id = createRequestId();
    const frames: ReplyFrame[] = [];
    let midway: () => void = () => {};
    const tenChunks = new Promise<void>((resolve) => {
      midway = resolve;
    });
    const terminal = new Promise<ReplyFrame>((resolve) => {
      transport.send(
        { id, type: "demo.count", payload: { n: N, delayMs: 40 }, timeoutMs: 60_000 },
        (frame) => {
          frames.push(frame);
          if (frames.filter((f) => f.kind === "chunk").length === 10) midway();
          if (isTerminalFrame(frame)) resolve(frame);
        },
      );
    });
    await tenChunks;

    // A dies: the load balancer now sends clients to B, A's client connections and AMQP
    // socket go at once, and A neither drains nor reconnects.
    proxy.target(b.port);
    proxy.drop();
    const amqpSocket = aConnection?.connection as unknown as {
      stream: { destroy: (error: Error) => void };
    };
    const lost = new Promise<void>((resolve) => {
      aBroker.subscribeState((state) => state === "disconnected" && resolve());
    });
    amqpSocket.stream.destroy(new Error("killed by the test"));
    await lost;
    await aBroker.close();
    await a.close();

    expect(await terminal).toEqual({ id, seq: N + 1, kind: "result", data: { count: N } });
    await transport.close();
    expectWellFormed({ id, frames });
    expect(frames[0]).toMatchObject({ kind: "accepted", gateway: ids[0], at: expect.any(Number) });
    expect(
      frames
        .filter((f) => f.kind === "chunk")
        .map((f) => (f.kind === "chunk" ? f.data : undefined)),
    ).toEqual(Array.from({ length: N }, (_, i) => ({ i })));
    // B took the request over: it held it (ended now), A's stream was read for it.
    expect(b.stats().requests).toBe(1);
  });
});
