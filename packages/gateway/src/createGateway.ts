import { randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Broker, Consumer, DeliveredMessage, ReplyQueueType } from "@taskbridge/broker";
import {
  CANCEL_EXCHANGE,
  claimRoutingKey,
  DEAD_EXCHANGE,
  DEFAULT_REPLY_RETENTION,
  deadQueueName,
  declareTopology,
  gatewayQueueOptions,
  parseMaxAge,
  REGISTRY_EXCHANGE,
  replyQueueName,
  replyStreamOptions,
} from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import { backgroundTimers, createError, type Timers } from "@taskbridge/core/protocol";
import type { Server as SocketIoServer } from "socket.io";
import type { Authenticate } from "./authenticateHandshake.js";
import { createGatewayMetrics, type GatewayMetrics } from "./createGatewayMetrics.js";
import { createHttpHandler } from "./createHttpHandler.js";
import { createLogger } from "./createLogger.js";
import type { AllowedOrigins } from "./createOriginCheck.js";
import { createRequestHub } from "./createRequestHub.js";
import { createServiceCatalog } from "./createServiceCatalog.js";
import { createSocketServer } from "./createSocketServer.js";
import { type BuiltinHandler, createTypePolicy } from "./createTypePolicy.js";
import type { Plugin } from "./definePlugin.js";
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from "./gatewayLimits.js";

/** How a reply-stream gateway ends its requests in flight after its broker connection failed over. */
const BROKER_FAILOVER_ERROR = createError(
  "UNAVAILABLE",
  "the broker connection failed over; replies in flight may have been lost, try again",
  { retryable: true, details: { reason: "broker-failover" } },
);

/** Unacked replies the gateway may hold from a reply stream (its own, or one it adopts from). */
const STREAM_PREFETCH = 1000;

export type GatewayOptions = {
  /** The broker (RabbitMQ or memory). The gateway never closes it: its owner does. */
  readonly broker: Broker;
  /** An existing HTTP server to attach to; otherwise the gateway creates one and listens on `port`. */
  readonly httpServer?: HttpServer;
  /** Port to listen on when the gateway creates the server (0: an ephemeral port). Default 8080. */
  readonly port?: number;
  /** Interface to listen on (default: all). */
  readonly host?: string;
  /** Names the reply and dead-letter queues; keep it stable across restarts. Default: a random id. */
  readonly gatewayId?: string;
  /**
   * Where replies go: `classic` (default; version 1, docs/protocol.md §2.8) or `stream`, a
   * RabbitMQ stream any gateway can read, so that any gateway can take a request over when a
   * 1.1 client resumes it there (§14.3). Not with plugins that have `onReply` hooks: an adopting
   * gateway could not run them.
   */
  readonly replyQueueType?: ReplyQueueType;
  /** How long a reply stream keeps replies (its `x-max-age`: `2h`, `30m`, `1D` …). Default `2h`. */
  readonly replyRetention?: string;
  readonly plugins?: readonly Plugin[];
  readonly authenticate?: Authenticate;
  /** Default: same origin as the `Host` header, or localhost (see `createOriginCheck`). */
  readonly allowedOrigins?: AllowedOrigins;
  /**
   * Answer types no plugin and no announcement names with `UNKNOWN_TYPE` instead of publishing
   * them, and types whose workers all went silent (stale in the catalog) with `UNAVAILABLE`.
   */
  readonly knownTypesOnly?: boolean;
  /**
   * Extra built-in `taskbridge.*` types answered by the gateway itself: `(payload, session) =>
   * result` (throwing gives `INTERNAL`). `taskbridge.services` is built in; yours may replace it.
   */
  readonly builtins?: Readonly<Record<string, BuiltinHandler>>;
  readonly limits?: Partial<GatewayLimits>;
  readonly logger?: Logger;
  readonly timers?: Timers;
  readonly metrics?: GatewayMetrics;
};

export type Gateway = {
  readonly gatewayId: string;
  readonly httpServer: HttpServer;
  readonly io: SocketIoServer;
  /** The port the HTTP server listens on (after `createGateway` resolved). */
  readonly port: number;
  readonly metrics: GatewayMetrics;
  /** True once connected to the broker and consuming (what `/healthz` reports). */
  readonly isReady: () => boolean;
  /** Sessions and requests held (for leak checks and dashboards). */
  readonly stats: () => { readonly sessions: number; readonly requests: number };
  /** SIGTERM behaviour: refuse new requests (`UNAVAILABLE`, retryable), deliver what was taken, stop consuming. */
  readonly drain: () => Promise<void>;
  /** Stops everything the gateway started (sockets, server, consumers, timers); not the broker. */
  readonly close: () => Promise<void>;
};

/**
 * Starts a taskbridge gateway: a Socket.IO server (namespace `/`, path `/socket.io`) that relays
 * client requests to the broker and replies back to the socket that owns each request, exactly as
 * docs/protocol.md §2–§6 say, plus `GET /healthz` and `GET /metrics` on the same port. Resolves once
 * it listens and consumes its reply queue.
 *
 * @example
 * const gateway = await createGateway({ broker: createRabbitBroker({ url }), port: 8080, gatewayId: "gw-1" });
 * process.on("SIGTERM", async () => { await gateway.drain(); await gateway.close(); });
 */
export const createGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const { broker } = options;
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits };
  const logger = options.logger ?? createLogger("info");
  const timers = options.timers ?? backgroundTimers;
  const metrics = options.metrics ?? createGatewayMetrics();
  const plugins = options.plugins ?? [];
  const gatewayId = options.gatewayId ?? randomUUID();
  const replyQueue = replyQueueName(gatewayId);
  const deadQueue = deadQueueName(gatewayId);
  const registryQueue = `taskbridge.registry.${gatewayId}.${randomUUID().slice(0, 8)}`;
  const streams = options.replyQueueType === "stream";
  const retention = options.replyRetention ?? DEFAULT_REPLY_RETENTION;
  if (streams && parseMaxAge(retention) === undefined) {
    throw new Error(`replyRetention must look like 2h, 30m or 1D, got "${retention}"`);
  }
  if (streams && plugins.some((plugin) => plugin.onReply !== undefined)) {
    throw new Error(
      'replyQueueType "stream" cannot be used with plugins that have onReply hooks: a gateway that adopts a request could not run them',
    );
  }
  // Replies are read from the gateway's start on: none of a request it accepts can be missed.
  const startedAt = timers.now();
  const catalog = createServiceCatalog({ staleMs: limits.registryWindowMs, now: timers.now });

  const policy = createTypePolicy({
    catalog,
    plugins,
    knownTypesOnly: options.knownTypesOnly,
    builtins: options.builtins,
    logger,
  });
  const hub = createRequestHub({
    broker,
    replyQueue,
    cancelExchange: CANCEL_EXCHANGE,
    policy,
    transformReplies: plugins.some((plugin) => plugin.onReply !== undefined),
    stream: streams ? { gatewayId, registryQueue, prefetch: STREAM_PREFETCH } : undefined,
    ...limits,
    timers,
    metrics,
    logger,
  });

  // Workers announce at once when asked (docs/protocol.md §6): ask at start and after each reconnect.
  const queryRegistry = (): void => {
    broker
      .publish(REGISTRY_EXCHANGE, "query", "{}", { contentType: "application/json" })
      .catch((error: unknown) => logger.warn("registry query failed", { error: String(error) }));
  };
  let consuming = false;
  const isReady = (): boolean => consuming && broker.getState() === "connected";
  metrics.setBrokerConnected(broker.getState() === "connected");
  let lostConnection = false;
  const unsubscribe = broker.subscribeState((state) => {
    metrics.setBrokerConnected(state === "connected");
    logger.info(`broker ${state}`);
    if (state === "disconnected" && consuming) lostConnection = true;
    if (state === "connected" && consuming) {
      queryRegistry();
      // A stream may lose replies it confirmed while its leader fails over (RabbitMQ 3.10,
      // rabbitmq-server#9457): after a lost connection nobody can tell, so requests in flight
      // end now with a retryable error instead of a silent gap or a hang (docs/protocol.md §14.3).
      if (streams && lostConnection) {
        const ended = hub.failInFlight(BROKER_FAILOVER_ERROR);
        if (ended > 0)
          logger.warn(
            `broker failover: ${ended} request(s) in flight ended with UNAVAILABLE (retryable)`,
          );
      }
      lostConnection = false;
    }
  });

  const ownServer = options.httpServer === undefined;
  const httpServer = options.httpServer ?? createServer();
  // Registered before Socket.IO attaches, which keeps this listener for paths not its own.
  httpServer.on(
    "request",
    createHttpHandler({ isReady, registry: metrics.registry, notFound: ownServer }),
  );
  const io = createSocketServer({
    httpServer,
    hub,
    authenticate: options.authenticate,
    allowedOrigins: options.allowedOrigins,
    maxHttpBufferSize: limits.maxHttpBufferSize,
    metrics,
    logger,
  });

  const consumers: Consumer[] = [];
  try {
    // Listen first: /healthz answers 503 while the broker is still out of reach.
    if (ownServer) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(options.port ?? 8080, options.host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
    }
    await declareTopology(broker);
    await broker.assertQueue(
      replyQueue,
      streams ? replyStreamOptions(retention) : gatewayQueueOptions(),
    );
    await broker.assertQueue(deadQueue, gatewayQueueOptions());
    await broker.bindQueue(deadQueue, DEAD_EXCHANGE, "");
    await broker.assertQueue(registryQueue, { exclusive: true, autoDelete: true });
    await broker.bindQueue(registryQueue, REGISTRY_EXCHANGE, "announce.#");
    if (streams)
      await broker.bindQueue(registryQueue, REGISTRY_EXCHANGE, claimRoutingKey(gatewayId));
    consumers.push(
      streams
        ? await broker.consume(
            replyQueue,
            (message) => {
              hub.onReply(message);
              message.ack();
            },
            { prefetch: STREAM_PREFETCH, streamOffset: { timestamp: startedAt } },
          )
        : await broker.consume(replyQueue, hub.onReply, { noAck: true }),
    );
    consumers.push(await broker.consume(deadQueue, hub.onDeadLetter, { noAck: true }));
    const onRegistry = (message: DeliveredMessage): void => {
      if (message.routingKey.startsWith("claim.")) hub.onClaim(message);
      else catalog.onAnnouncement(message);
    };
    consumers.push(await broker.consume(registryQueue, onRegistry, { noAck: true }));
    queryRegistry();
    consuming = true;
  } catch (error) {
    unsubscribe();
    hub.close();
    await Promise.allSettled(consumers.map((consumer) => consumer.close()));
    await new Promise<void>((resolve) => io.close(() => resolve()));
    throw error;
  }

  const stopConsuming = async (): Promise<void> => {
    consuming = false;
    await Promise.allSettled([
      ...consumers.splice(0).map((consumer) => consumer.close()),
      hub.stopFollowing(),
    ]);
  };

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      hub.drain();
      await stopConsuming();
      unsubscribe();
      hub.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    })();
    return closed;
  };

  const drain = async (): Promise<void> => {
    hub.drain();
    await stopConsuming();
    logger.info("gateway drained: refusing new requests, no longer consuming replies");
  };

  return {
    gatewayId,
    httpServer,
    io,
    port: (httpServer.address() as AddressInfo | null)?.port ?? 0,
    metrics,
    isReady,
    stats: hub.stats,
    drain,
    close,
  };
};
