import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import {
  type ErrorBody,
  EVENTS,
  type Logger,
  parseCancelEvent,
  type Timers,
} from "@taskbridge/core/protocol";
import { type Adopter, createAdopter } from "./createAdopter.js";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import { createOrphanHolder } from "./createOrphanHolder.js";
import { createReplyRouter } from "./createReplyRouter.js";
import { createRequestHandler } from "./createRequestHandler.js";
import { createRequestLifecycle } from "./createRequestLifecycle.js";
import { createRequestTable, type Session, type SessionInfo } from "./createRequestTable.js";
import { createResumeHandler } from "./createResumeHandler.js";
import { createStreamFollowers } from "./createStreamFollowers.js";
import type { TypePolicy } from "./createTypePolicy.js";
import type { GatewayLimits } from "./gatewayLimits.js";
import type { FrameSocket } from "./reduceRequestRecord.js";

export type RequestHubOptions = Pick<
  GatewayLimits,
  | "maxPayloadBytes"
  | "maxInFlightPerSession"
  | "rateLimit"
  | "defaultTimeoutMs"
  | "maxTimeoutMs"
  | "replayFrames"
  | "acceptedHoldMs"
  | "retentionMs"
  | "maxRetainedRequests"
  | "orphanWindowMs"
> & {
  readonly broker: Broker;
  readonly replyQueue: string;
  readonly cancelExchange: string;
  /** Which types are built in, known, routable, and which payloads they take. */
  readonly policy: TypePolicy;
  /** True when some plugin has a reply hook. */
  readonly transformReplies: boolean;
  /**
   * Set when the gateway's replies go to a reply stream (docs/protocol.md §14.3): its id, its
   * registry queue (claims arrive there) and the prefetch of the readers of other streams.
   */
  readonly stream?: {
    readonly gatewayId: string;
    readonly registryQueue: string;
    readonly prefetch: number;
  };
  readonly timers: Timers;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
};

export type RequestHub = {
  readonly connect: (info: SessionInfo) => Session;
  readonly request: (session: Session, socket: FrameSocket, body: unknown) => void;
  readonly cancel: (session: Session, socket: FrameSocket, body: unknown) => void;
  readonly resume: (session: Session, socket: FrameSocket, body: unknown) => void;
  readonly disconnect: (session: Session, socket: FrameSocket) => void;
  /** Handles one message of the gateway's reply queue. */
  readonly onReply: (message: DeliveredMessage) => void;
  /** Handles one message of the gateway's dead-letter queue. */
  readonly onDeadLetter: (message: DeliveredMessage) => void;
  /** Handles a claim on one of this gateway's requests (`claim.<gatewayId>`, docs/protocol.md §14.3). */
  readonly onClaim: (message: DeliveredMessage) => void;
  /** Stops reading other gateways' reply streams for adopted requests (drain, close). */
  readonly stopFollowing: () => Promise<void>;
  /**
   * Ends every request in flight with `error` (no cancel is sent): what a reply-stream gateway
   * does after its broker connection failed over, since a stream may have lost replies that the
   * broker had confirmed to the workers (docs/protocol.md §14.3, "Broker failover"). Returns how
   * many requests it ended.
   */
  readonly failInFlight: (error: ErrorBody) => number;
  /** From now on new requests get `UNAVAILABLE` (retryable); requests in flight go on. */
  readonly drain: () => void;
  /** Sessions and requests held: what a leak test watches. */
  readonly stats: () => { readonly sessions: number; readonly requests: number };
  readonly close: () => void;
};

/**
 * The gateway's core, free of Socket.IO and HTTP (docs/protocol.md §2–§3): it puts together the
 * request table (sessions `<principal>:<sessionId>`, requests `<principal>:<sessionId>:<id>`),
 * the request lifecycle (the only writer of a request's record), the `request` and `resume`
 * handlers, the reply router, the orphan holder of a restarted process and, with a reply
 * stream, the adopter of other gateways' requests and their claims on its own (§14.3), and turns
 * `cancel` and disconnects into lifecycle events. `createGateway` feeds it socket events and broker
 * deliveries.
 */
export const createRequestHub = (options: RequestHubOptions): RequestHub => {
  const { broker, timers, metrics, logger, stream } = options;
  let adopter: Adopter | undefined;
  const table = createRequestTable({
    rateLimit: options.rateLimit,
    retentionMs: options.retentionMs,
    maxRetained: options.maxRetainedRequests,
    onForgottenEarly: metrics.requestForgottenEarly,
    timers,
  });
  const lifecycle = createRequestLifecycle({
    table,
    broker,
    cancelExchange: options.cancelExchange,
    replayFrames: options.replayFrames,
    acceptedHoldMs: options.acceptedHoldMs,
    transformReplies: options.transformReplies,
    streamGatewayId: stream?.gatewayId,
    onGone: (entry) => adopter?.gone(entry),
    timers,
    metrics,
    logger,
  });
  const orphans = createOrphanHolder({
    windowMs: options.orphanWindowMs,
    holdMs: options.orphanWindowMs,
    timers,
  });
  const router = createReplyRouter({ table, lifecycle, orphans, replyQueue: options.replyQueue });
  const followers =
    stream === undefined
      ? undefined
      : createStreamFollowers({ broker, logger, prefetch: stream.prefetch });
  if (stream !== undefined && followers !== undefined) {
    const { gatewayId, registryQueue } = stream;
    adopter = createAdopter({
      lifecycle,
      router,
      followers,
      broker,
      gatewayId,
      registryQueue,
      logger,
    });
  }
  let draining = false;

  const protocolError = (socket: FrameSocket, error: ErrorBody): void => {
    metrics.protocolError();
    socket.emit(EVENTS.protocolError, error);
  };

  const resume = createResumeHandler({
    lifecycle,
    orphans,
    adopter,
    maxInFlightPerSession: options.maxInFlightPerSession,
    defaultTimeoutMs: options.defaultTimeoutMs,
    maxTimeoutMs: options.maxTimeoutMs,
    isDraining: () => draining,
    now: timers.now,
    onProtocolError: protocolError,
  });

  const request = createRequestHandler({
    lifecycle,
    policy: options.policy,
    broker,
    replyQueue: options.replyQueue,
    recordRequests: stream !== undefined,
    maxPayloadBytes: options.maxPayloadBytes,
    maxInFlightPerSession: options.maxInFlightPerSession,
    defaultTimeoutMs: options.defaultTimeoutMs,
    maxTimeoutMs: options.maxTimeoutMs,
    isDraining: () => draining,
    onProtocolError: protocolError,
    metrics,
    logger,
  });

  const cancel = (session: Session, socket: FrameSocket, body: unknown): void => {
    const parsed = parseCancelEvent(body);
    if (parsed.kind !== "ok") {
      protocolError(socket, parsed.error);
      return;
    }
    const entry = session.entries.get(parsed.value.id);
    if (entry !== undefined) lifecycle.dispatch(entry, { type: "cancelled", socket });
  };

  /** Another gateway adopted one of ours: forget it (docs/protocol.md §14.3). */
  const onClaim = (message: DeliveredMessage): void => {
    let claim: unknown;
    try {
      claim = JSON.parse(new TextDecoder().decode(message.body));
    } catch {
      return;
    }
    if (typeof claim !== "object" || claim === null) return;
    const { key, by } = claim as { key?: unknown; by?: unknown };
    if (typeof key !== "string" || by === stream?.gatewayId) return;
    const entry = table.byKey(key);
    if (entry !== undefined) lifecycle.dispatch(entry, { type: "claimed" });
  };

  const disconnect = (session: Session, socket: FrameSocket): void => {
    const released = { type: "released", socket } as const;
    for (const entry of session.entries.values()) lifecycle.dispatch(entry, released);
    table.disconnect(session);
  };

  return {
    connect: table.connect,
    request,
    cancel,
    resume,
    disconnect,
    onReply: router.onReply,
    onDeadLetter: router.onDeadLetter,
    onClaim,
    stopFollowing: async () => {
      await followers?.close();
    },
    drain: () => {
      draining = true;
    },
    failInFlight: (error) => {
      const entries = table.inFlight();
      for (const entry of entries) lifecycle.dispatch(entry, { type: "failed", error });
      return entries.length;
    },
    stats: table.stats,
    close: () => {
      orphans.close();
      lifecycle.close();
      table.close();
    },
  };
};
