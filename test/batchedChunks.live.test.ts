import { createRequestId, type ReplyFrame } from "@taskbridge/core";
import {
  createSessionId,
  isTerminalFrame,
  randomId,
  type WireReplyFrame,
} from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, definePlugin, type Gateway, silentLogger } from "@taskbridge/gateway";
import { registerHandlers, type Worker } from "@taskbridge/worker";
import { io, type Socket } from "socket.io-client";
import { AMQP_URL, connectTestBroker } from "./contracts/rabbitWorkerSetups.js";
import { expectWellFormed } from "./support/expectWellFormed.js";

// docs/protocol.md §14.1–§14.2 end to end on the shared RabbitMQ: the TypeScript worker batches
// a fast stream into `chunks` replies for the gateway, which sends them whole to a 1.1 client
// (the Socket.IO transport, which expands them) and chunk by chunk to a version 1 client (a raw
// socket without `auth.protocol`). Both see every chunk, in order, then exactly one terminal
// frame. The worker's queues are `t.<random>.demo.*`, routed by a plugin.
const N = 3000;

/** Resolves with every `reply` event `socket` gets for `id`, up to and including the terminal one. */
const collect = (socket: Socket, id: string): Promise<WireReplyFrame[]> =>
  new Promise((resolve) => {
    const frames: WireReplyFrame[] = [];
    const onReply = (frame: WireReplyFrame) => {
      if (frame.id !== id) return;
      frames.push(frame);
      if (frame.kind !== "chunks" && isTerminalFrame(frame)) {
        socket.off("reply", onReply);
        resolve(frames);
      }
    };
    socket.on("reply", onReply);
  });

const connected = (socket: Socket): Promise<Socket> =>
  new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
    socket.connect();
  });

const expectCounted = (frames: readonly ReplyFrame[]) => {
  const chunks = frames.filter((frame) => frame.kind === "chunk");
  expect(chunks.map((frame) => frame.data)).toEqual([...Array(N).keys()].map((i) => ({ i })));
  expect(frames.at(-1)).toMatchObject({ kind: "result", data: { count: N } });
};

describe("batched chunks, live (TS worker → RabbitMQ → gateway → 1.1 and v1 clients)", () => {
  const prefix = `t.${randomId(8).toLowerCase()}.`;
  let broker: Awaited<ReturnType<typeof connectTestBroker>>;
  let gateway: Gateway;
  let worker: Worker;
  let url: string;
  const sockets: Socket[] = [];

  const openSocket = (auth: Record<string, unknown>): Socket => {
    const socket = io(url, { transports: ["websocket"], forceNew: true, autoConnect: false, auth });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    broker = await connectTestBroker();
    gateway = await createGateway({
      broker,
      port: 0,
      host: "127.0.0.1",
      gatewayId: `gw-chunks-${randomId(8)}`,
      logger: silentLogger,
      plugins: [definePlugin({ name: "test-queues", match: /^demo\./, queue: (t) => prefix + t })],
    });
    url = `http://127.0.0.1:${gateway.port}`;
    worker = await registerHandlers({
      url: AMQP_URL,
      handlers: referenceHandlers,
      queuePrefix: prefix,
      queueType: "classic",
      announce: false,
      logger: silentLogger,
    });
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await worker?.close();
    await gateway?.close();
    for (const queue of Object.values(worker?.queues ?? {})) await broker?.deleteQueue(queue);
    await broker?.close();
  });

  it("gives a 1.1 client (the Socket.IO transport) every chunk in order, sent in batches", async () => {
    const socket = openSocket({});
    const transport = createSocketIoTransport({ socket });
    const id = createRequestId();
    const wire = collect(socket, id);
    const frames: ReplyFrame[] = [];
    const done = new Promise<void>((resolve) => {
      transport.send({ id, type: "demo.count", payload: { n: N } }, (frame) => {
        frames.push(frame);
        if (isTerminalFrame(frame)) resolve();
      });
    });
    await done;
    await transport.close();
    expectWellFormed({ id, frames }, { accepted: true });
    expectCounted(frames);
    // What the gateway sent: far fewer events than chunks, batches among them.
    const events = await wire;
    expect(events.some((frame) => frame.kind === "chunks")).toBe(true);
    expect(events.length).toBeLessThan(N / 10);
  });

  it("gives a v1 client every chunk as its own frame, in order, then one terminal frame", async () => {
    const socket = await connected(openSocket({ sessionId: createSessionId() }));
    const id = createRequestId();
    const wire = collect(socket, id);
    socket.emit("request", { v: 1, id, type: "demo.count", payload: { n: N } });
    const frames = await wire;
    expect(frames.filter((frame) => frame.kind === "chunks")).toEqual([]);
    const v1Frames = frames as ReplyFrame[];
    expectWellFormed({ id, frames: v1Frames }, { accepted: true });
    expectCounted(v1Frames);
  });
});
