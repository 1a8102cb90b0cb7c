import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import {
  createMemoryBroker,
  createMemoryServer,
  type MemoryBroker,
  type MemoryServer,
} from "@taskbridge/broker";
import { createSessionId, realTimers, silentLogger, type Timers } from "@taskbridge/core/protocol";
import { io, type Socket } from "socket.io-client";
import { createGateway, type Gateway, type GatewayOptions } from "../src/createGateway.js";
import { createTestClient, type TestClient } from "./createTestClient.js";

export type { TestClient } from "./createTestClient.js";

export type ConnectOptions = {
  readonly sessionId?: string;
  readonly token?: unknown;
  readonly auth?: Record<string, unknown>;
  readonly origin?: string;
};

/** A worker-side reply published straight onto a gateway's reply queue. */
export type WorkerReply = {
  readonly kind: "chunk" | "chunks" | "progress" | "result" | "error";
  readonly body: unknown;
  readonly seq?: number;
  readonly attempt?: number;
  /** `x-count` of a `chunks` reply (docs/protocol.md §14.2); default: the body's length. */
  readonly count?: number;
};

/** The request messages of one queue, for a test to take one by one. */
export type Inbox = {
  /** Resolves once the queue is served. */
  readonly ready: Promise<void>;
  /** The next request message, waiting for it if need be. */
  readonly next: () => Promise<DeliveredMessage>;
};

export type GatewayHarness = {
  readonly gateway: Gateway;
  readonly url: string;
  /** The memory server (unused when brokers are given). */
  readonly server: MemoryServer;
  /** The gateway's own broker connection. */
  readonly broker: Broker;
  /** The same, when it is a memory broker (to simulate its loss). */
  readonly memoryBroker: MemoryBroker | undefined;
  /** A second connection: the "worker" side. */
  readonly worker: Broker;
  readonly connect: (options?: ConnectOptions) => Promise<TestClient>;
  /** Connects and expects `connect_error`; resolves with the error's `data`. */
  readonly refused: (options?: ConnectOptions) => Promise<unknown>;
  /** Declares `queue` and hands each request message to `onRequest`. */
  readonly serve: (queue: string, onRequest: (message: DeliveredMessage) => void) => Promise<void>;
  /** Serves `queue`, handing each request message to the test through `next()`. */
  readonly inbox: (queue: string) => Inbox;
  /** Publishes one reply for `message` as a worker would. */
  readonly reply: (message: DeliveredMessage, reply: WorkerReply) => Promise<void>;
  readonly close: () => Promise<void>;
};

// The memory server arms `x-expires` timers (60 s) when the gateway stops consuming; unref'd
// timers let Jest exit without waiting for them.
const unrefTimers: Timers = {
  ...realTimers,
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
};

/**
 * Test kit for the gateway: a gateway on an ephemeral port over a memory broker, raw
 * socket.io-client sockets speaking docs/protocol.md §2, and a worker-side broker connection that
 * publishes replies directly. Everything it opens is closed by `close()`.
 */
export const createGatewayHarness = async (
  options: Partial<GatewayOptions> & {
    readonly server?: MemoryServer;
    /** The worker side's broker when `broker` is given (e.g. both on RabbitMQ). */
    readonly worker?: Broker;
  } = {},
): Promise<GatewayHarness> => {
  const server =
    options.server ?? createMemoryServer({ logger: silentLogger, timers: unrefTimers });
  const memoryBroker =
    options.broker === undefined ? createMemoryBroker({ server, logger: silentLogger }) : undefined;
  const broker: Broker = options.broker ?? memoryBroker!;
  const worker = options.worker ?? createMemoryBroker({ server, logger: silentLogger });
  const gateway = await createGateway({
    port: 0,
    host: "127.0.0.1",
    logger: silentLogger,
    ...options,
    // Tests that are not about restarts want NOT_FOUND for unknown ids at once.
    limits: { orphanWindowMs: 0, ...options.limits },
    broker,
  });
  const url = `http://127.0.0.1:${gateway.port}`;
  const clients = new Set<TestClient>();

  const open = (options: ConnectOptions): Socket =>
    io(url, {
      auth: options.auth ?? {
        sessionId: options.sessionId ?? createSessionId(),
        ...(options.token === undefined ? {} : { token: options.token }),
      },
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      ...(options.origin === undefined ? {} : { extraHeaders: { origin: options.origin } }),
    });

  const connect = (options: ConnectOptions = {}): Promise<TestClient> => {
    const sessionId = options.sessionId ?? createSessionId();
    const socket = open({ ...options, sessionId });
    const client = createTestClient(socket, sessionId, (closed) => clients.delete(closed));
    clients.add(client);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(client));
      socket.once("connect_error", reject);
    });
  };

  const refused = (options: ConnectOptions = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const socket = open(options);
      socket.once("connect", () => {
        socket.close();
        reject(new Error("the handshake was accepted"));
      });
      socket.once("connect_error", (error: Error & { data?: unknown }) => {
        socket.close();
        resolve(error.data ?? error.message);
      });
    });

  const serve = async (queue: string, onRequest: (message: DeliveredMessage) => void) => {
    await worker.assertQueue(queue, { durable: true });
    await worker.consume(queue, (message) => {
      message.ack();
      onRequest(message);
    });
  };

  const inbox = (queue: string): Inbox => {
    const messages: DeliveredMessage[] = [];
    const waiters: ((message: DeliveredMessage) => void)[] = [];
    const ready = serve(queue, (message) => {
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    const next = async (): Promise<DeliveredMessage> => {
      await ready;
      return messages.shift() ?? new Promise((resolve) => waiters.push(resolve));
    };
    return { ready, next };
  };

  const reply = async (message: DeliveredMessage, reply: WorkerReply): Promise<void> => {
    await worker.publish("", message.properties.replyTo ?? "", JSON.stringify(reply.body ?? null), {
      correlationId: message.properties.correlationId,
      contentType: "application/json",
      headers: {
        "x-kind": reply.kind,
        "x-seq": reply.seq ?? 0,
        "x-attempt": reply.attempt ?? 1,
        ...(reply.kind === "chunks"
          ? { "x-count": reply.count ?? (Array.isArray(reply.body) ? reply.body.length : 0) }
          : {}),
      },
    });
  };

  const close = async (): Promise<void> => {
    for (const client of [...clients]) client.close();
    await gateway.close();
    await worker.close();
    await broker.close();
  };

  return {
    gateway,
    url,
    server,
    broker,
    memoryBroker,
    worker,
    connect,
    refused,
    serve,
    inbox,
    reply,
    close,
  };
};
