import {
  createRabbitBroker,
  DEAD_QUEUE,
  declareTopology,
  type RabbitBroker,
  requestQueueOptions,
  waitForConnected,
} from "@taskbridge/broker";
import {
  createRequestId,
  isTerminalFrame,
  type Logger,
  type ReplyFrame,
  randomId,
  silentLogger,
} from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { createSocketIoTransport, type SocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, definePlugin, type Gateway } from "@taskbridge/gateway";
import { registerHandlers } from "@taskbridge/worker";
import { spawnWorkerProcess, type WorkerProcess } from "./contracts/spawnWorkerProcess.js";
import { type RabbitCluster, startRabbitCluster } from "./support/rabbitCluster.js";

// Three throwaway RabbitMQ nodes joined into one cluster (never the shared node on 5672). Node 0
// stops gracefully; a TypeScript broker and the Python worker, both given the three addresses and
// both connected to node 0, must fail over to node 1, declare and consume again there, and go on
// serving. The shared dead-letter sink is declared on node 0 first, the worst case: a classic
// queue whose home node is down cannot be declared again, and must not stop a failover.
// Forming the cluster takes ~20 s here (docs/deployment.md).
jest.setTimeout(120_000);

const decoder = new TextDecoder();

/** A logger that keeps the addresses the broker said it connected to. */
const connectionLog = () => {
  const connectedTo: string[] = [];
  const note = (message: string, fields?: Readonly<Record<string, unknown>>) => {
    if (message === "connected to RabbitMQ" && typeof fields?.url === "string") {
      connectedTo.push(fields.url);
    }
  };
  const logger: Logger = { ...silentLogger, debug: note, info: note };
  return { logger, connectedTo };
};

const portOf = (url: string): string => new URL(url).port;

/** Each quorum queue's members, as node 1 lists them. */
const membersOf = async (cluster: RabbitCluster, queue: string): Promise<readonly string[]> => {
  const listed: unknown = JSON.parse(
    await cluster.nodes[1]!.ctl(["list_queues", "name", "members", "--formatter", "json"]),
  );
  const row = (Array.isArray(listed) ? listed : []).find(
    (entry: { name?: unknown }) => entry.name === queue,
  ) as { members?: readonly string[] } | undefined;
  return row?.members ?? [];
};

describe("a 3-node RabbitMQ cluster loses node 0", () => {
  let cluster: RabbitCluster;
  let setup: RabbitBroker | undefined;
  let tsBroker: RabbitBroker | undefined;
  let gatewayBroker: RabbitBroker | undefined;
  let gateway: Gateway | undefined;
  let transport: SocketIoTransport | undefined;
  let pythonWorker: WorkerProcess | undefined;
  const ts = connectionLog();
  const queue = `t.cluster.${randomId(8).toLowerCase()}`;
  const prefix = `t.${randomId(8).toLowerCase()}.`;
  const received: string[] = [];
  let onReceived: () => void = () => {};
  let tsFailedOver: Promise<void> = Promise.resolve();
  let pythonBefore: ReplyFrame[] = [];

  const nextReceived = () =>
    new Promise<void>((resolve) => {
      onReceived = resolve;
    });

  const ask = (
    type: string,
    payload: unknown,
    through: SocketIoTransport | undefined = transport,
  ): Promise<ReplyFrame[]> =>
    new Promise((resolve) => {
      const frames: ReplyFrame[] = [];
      through!.send({ id: createRequestId(), type, payload, timeoutMs: 60_000 }, (frame) => {
        frames.push(frame);
        if (isTerminalFrame(frame)) resolve(frames);
      });
    });

  beforeAll(async () => {
    cluster = await startRabbitCluster();
    const [n0, n1, n2] = cluster.urls as [string, string, string];

    // The shared topology first, from node 0: taskbridge.dead (classic) lives there.
    setup = createRabbitBroker({ url: n0, logger: silentLogger });
    await declareTopology(setup);
    await setup.close();

    // (a) a TypeScript broker on all three, connected to node 0, with a quorum queue and a consumer.
    tsBroker = createRabbitBroker({ urls: [n0, n1, n2], logger: ts.logger });
    await waitForConnected(tsBroker, 30_000);
    await tsBroker.assertQueue(queue, requestQueueOptions("quorum"));
    await tsBroker.consume(queue, (message) => {
      received.push(decoder.decode(message.body));
      message.ack();
      onReceived();
    });
    const before = nextReceived();
    await tsBroker.publish("", queue, "before");
    await before;
    const broker = tsBroker;
    tsFailedOver = new Promise<void>((resolve) => {
      let lost = false;
      broker.subscribeState((state) => {
        if (state === "disconnected") lost = true;
        if (lost && state === "connected") resolve();
      });
    });

    // (b) the Python worker on all three (AMQP_URL as a list), connected to node 0; a gateway on
    // node 1 routes demo.* to its queues.
    gatewayBroker = createRabbitBroker({ urls: [n1, n2], logger: silentLogger });
    gateway = await createGateway({
      broker: gatewayBroker,
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
      plugins: [definePlugin({ name: "test-queues", match: /^demo\./, queue: (t) => prefix + t })],
    });
    pythonWorker = spawnWorkerProcess({
      command: "/usr/bin/python3",
      args: ["workers/python/run_reference.py"],
      env: {
        AMQP_URL: cluster.urls.join(","),
        AMQP_URLS: "",
        TASKBRIDGE_QUEUE_PREFIX: prefix,
        TASKBRIDGE_LOG_LEVEL: "INFO",
      },
    });
    await pythonWorker.ready;
    transport = createSocketIoTransport({
      url: `http://127.0.0.1:${gateway.port}`,
      socketOptions: { transports: ["websocket"], reconnectionDelay: 50 },
    });
    pythonBefore = await ask("demo.echo", "before");

    await cluster.stopNode(0);
  });

  afterAll(async () => {
    await transport?.close();
    await gateway?.close();
    await pythonWorker?.stop("SIGKILL");
    await gatewayBroker?.close();
    await tsBroker?.close();
    await cluster?.dispose();
  });

  it("(a) a TypeScript broker fails over to node 1, declares its quorum queue again and round-trips", async () => {
    const [n0, n1] = cluster.urls as [string, string];
    // declared without x-quorum-initial-group-size: one member per node of the cluster
    expect(await membersOf(cluster, queue)).toHaveLength(3);
    expect(received).toEqual(["before"]);

    await tsFailedOver;
    // node 0 first, then the address after it
    expect(ts.connectedTo.map(portOf)).toEqual([portOf(n0), portOf(n1)]);
    expect(ts.connectedTo.every((url) => !url.includes("guest:guest"))).toBe(true);

    const after = nextReceived();
    await expect(tsBroker!.publish("", queue, "after", { mandatory: true })).resolves.toBe(
      "routed",
    );
    await after;
    expect(received).toEqual(["before", "after"]);
  });

  it("(b) the Python worker fails over to node 1 and answers a request through a gateway on node 1", async () => {
    const [n0, n1] = cluster.urls as [string, string];
    expect(pythonBefore.at(-1)).toMatchObject({ kind: "result", data: "before" });
    expect(await membersOf(cluster, `${prefix}demo.echo`)).toHaveLength(3);

    const frames = await ask("demo.echo", { after: "node 0 stopped" });
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: { after: "node 0 stopped" } });
    const connected = [...pythonWorker!.output().matchAll(/connected to RabbitMQ at (\S+)/g)].map(
      (match) => portOf(match[1] as string),
    );
    expect(connected).toEqual([portOf(n0), portOf(n1)]);
    expect(pythonWorker!.output()).not.toContain("guest:guest");
    // The dead-letter sink stayed behind on node 0: the worker did not try to declare it again.
    expect(pythonWorker!.output()).not.toContain(DEAD_QUEUE);
  });

  it("(c) a gateway and a TypeScript worker started while node 0 is down start and serve", async () => {
    const [, n1, n2] = cluster.urls as [string, string, string];
    const lateGatewayBroker = createRabbitBroker({ urls: [n2, n1], logger: silentLogger });
    const latePrefix = `t.${randomId(8).toLowerCase()}.`;
    // the worker's own broker from the list; its first declaration is taskbridge.dead, on node 0
    const worker = await registerHandlers({
      url: [n1, n2],
      handlers: referenceHandlers,
      queuePrefix: latePrefix,
      logger: silentLogger,
    });
    const lateGateway = await createGateway({
      broker: lateGatewayBroker,
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
      plugins: [
        definePlugin({ name: "late-queues", match: /^demo\./, queue: (t) => latePrefix + t }),
      ],
    });
    const lateTransport = createSocketIoTransport({
      url: `http://127.0.0.1:${lateGateway.port}`,
      socketOptions: { transports: ["websocket"] },
    });
    try {
      const frames = await ask("demo.echo", "late", lateTransport);
      expect(frames.at(-1)).toMatchObject({ kind: "result", data: "late" });
    } finally {
      await lateTransport.close();
      await lateGateway.close();
      await worker.close();
      await lateGatewayBroker.close();
    }
  });
});
