import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import {
  type ErrorBody,
  EVENTS,
  type Logger,
  parseCancelEvent,
  type Timers,
} from "@taskbridge/core/protocol";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import { createOrphanHolder } from "./createOrphanHolder.js";
import { createReplyRouter } from "./createReplyRouter.js";
import { createRequestHandler } from "./createRequestHandler.js";
import { createRequestLifecycle } from "./createRequestLifecycle.js";
import { createRequestTable, type Session, type SessionInfo } from "./createRequestTable.js";
import { createResumeHandler } from "./createResumeHandler.js";
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
  | "retentionMs"
  | "orphanWindowMs"
> & {
  readonly broker: Broker;
  readonly replyQueue: string;
  readonly cancelExchange: string;
  /** Which types are built in, known, routable, and which payloads they take. */
  readonly policy: TypePolicy;
  /** True when some plugin has a reply hook. */
  readonly transformReplies: boolean;
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
 * handlers, the reply router and the orphan holder of a restarted process, and turns `cancel`
 * and disconnects into lifecycle events. `createGateway` feeds it socket events and broker
 * deliveries.
 */
export const createRequestHub = (options: RequestHubOptions): RequestHub => {
  const { broker, timers, metrics, logger } = options;
  const table = createRequestTable({
    rateLimit: options.rateLimit,
    retentionMs: options.retentionMs,
    timers,
  });
  const lifecycle = createRequestLifecycle({
    table,
    broker,
    cancelExchange: options.cancelExchange,
    replayFrames: options.replayFrames,
    transformReplies: options.transformReplies,
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
  let draining = false;

  const protocolError = (socket: FrameSocket, error: ErrorBody): void => {
    metrics.protocolError();
    socket.emit(EVENTS.protocolError, error);
  };

  const resume = createResumeHandler({
    lifecycle,
    orphans,
    maxInFlightPerSession: options.maxInFlightPerSession,
    defaultTimeoutMs: options.defaultTimeoutMs,
    maxTimeoutMs: options.maxTimeoutMs,
    isDraining: () => draining,
    onProtocolError: protocolError,
  });

  const request = createRequestHandler({
    lifecycle,
    policy: options.policy,
    broker,
    replyQueue: options.replyQueue,
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
    drain: () => {
      draining = true;
    },
    stats: table.stats,
    close: () => {
      orphans.close();
      lifecycle.close();
      table.close();
    },
  };
};
