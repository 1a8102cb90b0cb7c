import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import {
  BUILTIN_TYPE_PREFIX,
  cancelledError,
  createError,
  type ErrorBody,
  EVENTS,
  parseCancelEvent,
  parseRequestEvent,
  type RequestEvent,
  type Timers,
} from "@taskbridge/core/protocol";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import { createOrphanHolder } from "./createOrphanHolder.js";
import { createReplyRouter } from "./createReplyRouter.js";
import {
  createRequestTable,
  type FrameSocket,
  type RequestEntry,
  type Session,
  type SessionInfo,
} from "./createRequestTable.js";
import { createResumeHandler } from "./createResumeHandler.js";
import type { RateLimit } from "./createTokenBucket.js";
import type { Plugin } from "./definePlugin.js";
import { type Publication, preparePublication } from "./preparePublication.js";
import { publishRequest } from "./publishRequest.js";

export type { FrameSocket, Session, SessionInfo } from "./createRequestTable.js";

/** A built-in `taskbridge.*` type answered by the gateway itself: a result, or an error body. */
export type BuiltinHandler = (payload: unknown, session: SessionInfo) => unknown;

export type RequestHubOptions = {
  readonly broker: Broker;
  readonly replyQueue: string;
  readonly cancelExchange: string;
  readonly plugins: readonly Plugin[];
  readonly builtins: Readonly<Record<string, BuiltinHandler>>;
  /** When given, a type it rejects is `UNKNOWN_TYPE` instead of being published by name. */
  readonly isKnownType?: (type: string) => boolean;
  /**
   * The answer when the broker returns a request (no queue takes it): by default `UNAVAILABLE`.
   * A gateway with a registry says `UNKNOWN_TYPE` for types nothing ever announced or claimed.
   */
  readonly unroutableError?: (type: string) => ErrorBody;
  /** Checks a payload against what is known of its type (announced schemas); an error refuses. */
  readonly validatePayload?: (type: string, payload: unknown) => ErrorBody | undefined;
  readonly maxPayloadBytes: number;
  readonly maxInFlightPerSession: number;
  readonly rateLimit: RateLimit;
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly replayFrames: number;
  readonly retentionMs: number;
  /** How long a new process holds frames of unknown keys for `resume` (0 turns it off). */
  readonly orphanWindowMs: number;
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
 * The gateway's core, free of Socket.IO and HTTP: sessions keyed `<principal>:<sessionId>`,
 * requests keyed `<principal>:<sessionId>:<id>`, publishing with confirms, the gateway timer,
 * cancels, replies and dead letters turned into frames for the socket that owns each request,
 * `resume` from the replay buffer, and re-attaching a predecessor's requests after a restart
 * (docs/protocol.md §2–§3). `createGateway` feeds it socket events and broker deliveries.
 */
export const createRequestHub = (options: RequestHubOptions): RequestHub => {
  const { broker, timers, metrics, logger, plugins } = options;
  const table = createRequestTable({
    broker,
    cancelExchange: options.cancelExchange,
    rateLimit: options.rateLimit,
    replayFrames: options.replayFrames,
    retentionMs: options.retentionMs,
    transformReplies: plugins.length > 0,
    timers,
    metrics,
    logger,
  });
  const orphans = createOrphanHolder({
    windowMs: options.orphanWindowMs,
    holdMs: options.orphanWindowMs,
    timers,
  });
  const router = createReplyRouter({ table, orphans, replyQueue: options.replyQueue, logger });
  let draining = false;

  const protocolError = (socket: FrameSocket, error: ErrorBody): void => {
    metrics.protocolError();
    socket.emit(EVENTS.protocolError, error);
  };

  const refuse = (socket: FrameSocket, id: string, error: ErrorBody): void => {
    metrics.requestEnded("-", error.code, undefined);
    socket.emit(EVENTS.reply, { id, seq: 0, kind: "error", error });
  };

  const resume = createResumeHandler({
    table,
    orphans,
    maxInFlightPerSession: options.maxInFlightPerSession,
    defaultTimeoutMs: options.defaultTimeoutMs,
    maxTimeoutMs: options.maxTimeoutMs,
    timers,
    isDraining: () => draining,
    onProtocolError: protocolError,
  });

  const publish = (entry: RequestEntry, prepared: Publication | ErrorBody): void => {
    if (entry.frames.isTerminal()) return;
    if ("code" in prepared) {
      entry.frames.end(prepared);
      return;
    }
    entry.deadline = prepared.deadline;
    entry.onReply = prepared.onReply;
    table.startTimer(entry, prepared.timeoutMs);
    publishRequest(broker, options.replyQueue, entry, prepared, logger, options.unroutableError);
  };

  const runBuiltin = (session: Session, socket: FrameSocket, event: RequestEvent): void => {
    const handler = options.builtins[event.type];
    const entry = table.register(session, socket, event.id, event.type, 0);
    entry.frames.accept();
    let result: unknown;
    try {
      result = handler?.(event.payload, session);
    } catch {
      entry.frames.end(createError("INTERNAL", `${event.type} failed`));
      return;
    }
    entry.frames.fromWorker("result", 0, 1, result);
  };

  const admission = (session: Session, event: RequestEvent): ErrorBody | undefined => {
    if (draining) {
      return createError("UNAVAILABLE", "the gateway is shutting down", { retryable: true });
    }
    if (session.inFlight >= options.maxInFlightPerSession) {
      return createError(
        "RATE_LIMITED",
        `at most ${options.maxInFlightPerSession} requests in flight`,
        { retryable: true },
      );
    }
    if (!session.bucket.take()) {
      return createError("RATE_LIMITED", "too many requests", { retryable: true });
    }
    const { type } = event;
    if (type.startsWith(BUILTIN_TYPE_PREFIX)) {
      return Object.hasOwn(options.builtins, type)
        ? undefined
        : createError("UNKNOWN_TYPE", `unknown built-in type ${type}`);
    }
    if (options.isKnownType !== undefined && !options.isKnownType(type)) {
      return createError("UNKNOWN_TYPE", `unknown type ${type}`);
    }
    return options.validatePayload?.(type, event.payload);
  };

  const request = (session: Session, socket: FrameSocket, body: unknown): void => {
    const parsed = parseRequestEvent(body, options.maxPayloadBytes);
    if (parsed.kind === "protocolError") {
      protocolError(socket, parsed.error);
      return;
    }
    const id = parsed.kind === "ok" ? parsed.value.id : parsed.id;
    if (session.entries.has(id)) {
      const error = createError("BAD_REQUEST", `request id ${id} is still in use`, {
        details: { id },
      });
      protocolError(socket, error);
      return;
    }
    const refusal = parsed.kind === "reject" ? parsed.error : admission(session, parsed.value);
    if (refusal !== undefined || parsed.kind !== "ok") {
      if (refusal !== undefined) refuse(socket, id, refusal);
      return;
    }
    const event = parsed.value;
    if (event.type.startsWith(BUILTIN_TYPE_PREFIX)) {
      runBuiltin(session, socket, event);
      return;
    }
    const entry = table.register(session, socket, id, event.type, 0);
    const prepared = preparePublication(plugins, {
      id,
      type: event.type,
      payload: event.payload,
      principal: session.principal,
      claims: session.claims,
      sessionId: session.sessionId,
      requestKey: entry.key,
      timeoutMs: event.timeoutMs ?? undefined,
      defaultTimeoutMs: options.defaultTimeoutMs,
      maxTimeoutMs: options.maxTimeoutMs,
      now: entry.startedAt,
    });
    if (prepared instanceof Promise) {
      // A plugin that never answers must not hold the request forever.
      table.startTimer(
        entry,
        Math.min(event.timeoutMs ?? options.defaultTimeoutMs, options.maxTimeoutMs),
      );
      prepared.then(
        (value) => publish(entry, value),
        () => publish(entry, createError("INTERNAL", "a gateway plugin failed")),
      );
    } else publish(entry, prepared);
  };

  const cancel = (session: Session, socket: FrameSocket, body: unknown): void => {
    const parsed = parseCancelEvent(body);
    if (parsed.kind !== "ok") {
      protocolError(socket, parsed.error);
      return;
    }
    const entry = session.entries.get(parsed.value.id);
    if (entry === undefined || entry.frames.isTerminal()) return;
    if (entry.owner === undefined) entry.owner = socket;
    if (entry.frames.end(cancelledError())) table.publishCancel(entry);
  };

  return {
    connect: table.connect,
    request,
    cancel,
    resume,
    disconnect: table.disconnect,
    onReply: router.onReply,
    onDeadLetter: router.onDeadLetter,
    drain: () => {
      draining = true;
    },
    stats: table.stats,
    close: () => {
      orphans.close();
      table.close();
    },
  };
};
