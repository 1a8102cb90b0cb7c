import { randomUUID } from "node:crypto";
import { readDeath } from "../broker/topology.js";
import type { Broker, DeliveredMessage } from "../broker/types.js";
import {
  BUILTIN_TYPE_PREFIX,
  createError,
  type ErrorBody,
  EVENTS,
  parseCancelEvent,
  parseRequestEvent,
  parseResumeEvent,
  type ReplyFrame,
  type RequestEvent,
  requestKey,
} from "../protocol/index.js";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import type { Logger } from "./createLogger.js";
import { createOrphanHolder } from "./createOrphanHolder.js";
import { createRequestFrames, type RequestFrames } from "./createRequestFrames.js";
import { createTokenBucket, type RateLimit, type TokenBucket } from "./createTokenBucket.js";
import type { Plugin } from "./definePlugin.js";
import { type Publication, preparePublication } from "./preparePublication.js";
import type { GatewayTimers } from "./timers.js";

/** Where a request's frames go: a Socket.IO socket, or anything with the same `emit`. */
export type FrameSocket = { readonly emit: (event: string, body: unknown) => unknown };

/** An authenticated client session: `<principal>:<sessionId>`, shared by its reconnecting sockets. */
export type SessionInfo = {
  readonly principal: string;
  readonly sessionId: string;
  readonly claims: Readonly<Record<string, unknown>>;
};

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
  readonly timers: GatewayTimers;
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

type Entry = {
  readonly key: string;
  readonly id: string;
  readonly session: Session;
  readonly startedAt: number;
  readonly frames: RequestFrames;
  owner: FrameSocket | undefined;
  type: string;
  deadline: number;
  published: boolean;
  awaitingFirstFrame: boolean;
  onReply: ((frame: ReplyFrame) => ReplyFrame | null) | undefined;
  timer: unknown;
};

/** One session's state; opaque to callers. */
export type Session = SessionInfo & {
  readonly key: string;
  sockets: number;
  inFlight: number;
  readonly bucket: TokenBucket;
  readonly entries: Map<string, Entry>;
};

const decoder = new TextDecoder();
const decode = (body: Uint8Array): unknown => {
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
};
const toInt = (value: unknown, fallback: number): number =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/**
 * The gateway's core, free of Socket.IO and HTTP: sessions keyed `<principal>:<sessionId>`,
 * requests keyed `<principal>:<sessionId>:<id>`, publishing with confirms, the gateway timer,
 * cancels, replies and dead letters turned into frames for the socket that owns each request,
 * `resume` from the replay buffer, and re-attaching a predecessor's requests after a restart
 * (PROTOCOL.md §1–§2). `createGateway` feeds it socket events and broker deliveries.
 */
export const createRequestHub = (options: RequestHubOptions): RequestHub => {
  const { broker, timers, metrics, logger, plugins } = options;
  const sessions = new Map<string, Session>();
  const requests = new Map<string, Entry>();
  const forgetTimers = new Set<unknown>();
  const orphans = createOrphanHolder({
    windowMs: options.orphanWindowMs,
    holdMs: options.orphanWindowMs,
    timers,
  });
  let draining = false;

  const connect = (info: SessionInfo): Session => {
    const key = `${info.principal}:${info.sessionId}`;
    let session = sessions.get(key);
    if (session === undefined) {
      session = {
        ...info,
        key,
        sockets: 0,
        inFlight: 0,
        bucket: createTokenBucket(options.rateLimit, timers.now),
        entries: new Map(),
      };
      sessions.set(key, session);
    }
    session.sockets += 1;
    return session;
  };

  const maybeFree = (session: Session): void => {
    if (session.sockets <= 0 && session.entries.size === 0) sessions.delete(session.key);
  };

  const protocolError = (socket: FrameSocket, error: ErrorBody): void => {
    metrics.protocolError();
    socket.emit(EVENTS.protocolError, error);
  };

  const refuse = (socket: FrameSocket, id: string, error: ErrorBody): void => {
    metrics.requestEnded("-", error.code, undefined);
    socket.emit(EVENTS.reply, { id, seq: 0, kind: "error", error });
  };

  const forget = (entry: Entry): void => {
    requests.delete(entry.key);
    if (entry.session.entries.get(entry.id) === entry) entry.session.entries.delete(entry.id);
    maybeFree(entry.session);
  };

  const finished = (entry: Entry, frame: ReplyFrame): void => {
    timers.clearTimeout(entry.timer);
    entry.session.inFlight -= 1;
    const outcome = frame.kind === "error" ? frame.error.code : "result";
    metrics.requestEnded(entry.type, outcome, (timers.now() - entry.startedAt) / 1000);
    const handle = timers.setTimeout(() => {
      forgetTimers.delete(handle);
      forget(entry);
    }, options.retentionMs);
    forgetTimers.add(handle);
  };

  const register = (
    session: Session,
    socket: FrameSocket,
    id: string,
    type: string,
    firstSeq: number,
  ): Entry => {
    const frames = createRequestFrames({
      id,
      firstSeq,
      accepted: firstSeq > 0,
      replayFrames: options.replayFrames,
      send: (frame) => {
        entry.owner?.emit(EVENTS.reply, frame);
        if (frame.kind === "result" || frame.kind === "error") finished(entry, frame);
      },
      transform:
        plugins.length === 0
          ? undefined
          : (frame) => (entry.onReply === undefined ? frame : entry.onReply(frame)),
    });
    const entry: Entry = {
      key: requestKey(session.principal, session.sessionId, id),
      id,
      session,
      startedAt: timers.now(),
      owner: socket,
      type,
      deadline: 0,
      published: false,
      awaitingFirstFrame: false,
      onReply: undefined,
      timer: undefined,
      frames,
    };
    session.entries.set(id, entry);
    requests.set(entry.key, entry);
    session.inFlight += 1;
    metrics.requestStarted();
    return entry;
  };

  const publishCancel = (entry: Entry): void => {
    if (!entry.published) return;
    const body = JSON.stringify({ correlationId: entry.key, deadline: entry.deadline });
    broker
      .publish(options.cancelExchange, "", body, { contentType: "application/json" })
      .catch((error: unknown) => logger.warn("cancel publish failed", { error: String(error) }));
  };

  const startTimer = (entry: Entry, timeoutMs: number): void => {
    entry.timer = timers.setTimeout(() => {
      if (entry.frames.end(createError("TIMEOUT", `no result within ${timeoutMs} ms`))) {
        publishCancel(entry);
      }
    }, timeoutMs);
  };

  const publish = (entry: Entry, prepared: Publication | ErrorBody): void => {
    if (entry.frames.isTerminal()) return;
    if ("code" in prepared) {
      entry.frames.end(prepared);
      return;
    }
    entry.deadline = prepared.deadline;
    entry.onReply = prepared.onReply;
    startTimer(entry, prepared.timeoutMs);
    entry.published = true;
    broker
      .publish("", prepared.queue, JSON.stringify(prepared.payload ?? null), {
        mandatory: true,
        contentType: "application/json",
        correlationId: entry.key,
        replyTo: options.replyQueue,
        messageId: randomUUID(),
        expiration: String(prepared.timeoutMs),
        headers: prepared.headers,
      })
      .then(
        (outcome) => {
          if (outcome === "routed") entry.frames.accept();
          else if (outcome === "returned") {
            entry.frames.end(
              createError("UNAVAILABLE", `no service takes requests of type ${entry.type}`),
            );
          } else {
            entry.frames.end(
              createError("UNAVAILABLE", "the broker refused the request", { retryable: true }),
            );
          }
        },
        (error: unknown) => {
          logger.warn("request publish failed", { error: String(error) });
          entry.frames.end(
            createError("UNAVAILABLE", "the broker is unreachable", { retryable: true }),
          );
        },
      );
  };

  const runBuiltin = (session: Session, socket: FrameSocket, event: RequestEvent): void => {
    const handler = options.builtins[event.type];
    const entry = register(session, socket, event.id, event.type, 0);
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
    const entry = register(session, socket, id, event.type, 0);
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
    if (entry.frames.end(createError("CANCELLED", "cancelled by the client"))) publishCancel(entry);
  };

  const adopt = (
    session: Session,
    socket: FrameSocket,
    id: string,
    after: number,
    timeoutMs: number,
  ): void => {
    const entry = register(session, socket, id, "-", after + 1);
    entry.deadline = timers.now() + timeoutMs;
    entry.published = true;
    startTimer(entry, timeoutMs);
    const held = orphans.take(entry.key);
    for (const replay of held) replay();
    if (held.length > 0 || entry.frames.isTerminal()) return;
    entry.awaitingFirstFrame = true;
    orphans.onClose(() => {
      if (entry.awaitingFirstFrame) {
        entry.frames.end(createError("NOT_FOUND", `request ${id} is unknown`));
      }
    });
  };

  const resume = (session: Session, socket: FrameSocket, body: unknown): void => {
    const parsed = parseResumeEvent(body);
    if (parsed.kind !== "ok") {
      protocolError(socket, parsed.error);
      return;
    }
    const { id, after } = parsed.value;
    const entry = session.entries.get(id);
    if (entry === undefined) {
      if (orphans.isOpen() && !draining) {
        const timeoutMs = Math.min(
          parsed.value.timeoutMs ?? options.defaultTimeoutMs,
          options.maxTimeoutMs,
        );
        adopt(session, socket, id, after, timeoutMs);
        return;
      }
      socket.emit(EVENTS.reply, {
        id,
        seq: after + 1,
        kind: "error",
        error: createError("NOT_FOUND", `request ${id} is unknown or forgotten`),
      });
      return;
    }
    entry.owner = socket;
    const outcome = entry.frames.since(after);
    if (outcome.kind === "frames") {
      for (const frame of outcome.frames) socket.emit(EVENTS.reply, frame);
      return;
    }
    const error = createError("NOT_FOUND", `frames after ${after} of ${id} are no longer held`, {
      details: { reason: "frames-dropped" },
    });
    const frame: ReplyFrame = { id, seq: after + 1, kind: "error", error };
    socket.emit(EVENTS.reply, frame);
    if (entry.frames.abandon()) {
      finished(entry, frame);
      publishCancel(entry);
    }
  };

  const disconnect = (session: Session, socket: FrameSocket): void => {
    for (const entry of session.entries.values()) {
      if (entry.owner === socket) entry.owner = undefined;
    }
    session.sockets -= 1;
    maybeFree(session);
  };

  const onReply = (message: DeliveredMessage): void => {
    const key = message.properties.correlationId;
    if (key === undefined) return;
    const entry = requests.get(key);
    if (entry === undefined) {
      orphans.hold(key, () => onReply(message));
      return;
    }
    entry.awaitingFirstFrame = false;
    const headers = message.properties.headers ?? {};
    const kind = headers["x-kind"];
    const body = decode(message.body);
    try {
      if (body === undefined && (kind === "result" || kind === "error")) {
        entry.frames.end(createError("INTERNAL", "the worker sent an unreadable reply"));
        return;
      }
      entry.frames.fromWorker(
        kind,
        toInt(headers["x-seq"], 0),
        toInt(headers["x-attempt"], 1),
        body,
      );
    } catch (error) {
      logger.error("reply hook failed", { error: String(error) });
      entry.frames.end(createError("INTERNAL", "a gateway plugin failed"));
    }
  };

  const onDeadLetter = (message: DeliveredMessage): void => {
    const { replyTo, correlationId: key, headers } = message.properties;
    if (replyTo !== options.replyQueue || key === undefined) return;
    const reason = readDeath(headers)?.reason ?? "unknown";
    const error =
      reason === "expired"
        ? createError("TIMEOUT", "nobody took the request in time", { details: { reason } })
        : createError("WORKER_CRASHED", "the request failed on every attempt", {
            details: { reason },
          });
    const entry = requests.get(key);
    if (entry === undefined) {
      orphans.hold(key, () => onDeadLetter(message));
      return;
    }
    entry.awaitingFirstFrame = false;
    entry.frames.end(error);
  };

  const close = (): void => {
    orphans.close();
    for (const entry of requests.values()) timers.clearTimeout(entry.timer);
    for (const handle of forgetTimers) timers.clearTimeout(handle);
    forgetTimers.clear();
    requests.clear();
    sessions.clear();
  };

  return {
    connect,
    request,
    cancel,
    resume,
    disconnect,
    onReply,
    onDeadLetter,
    drain: () => {
      draining = true;
    },
    stats: () => ({ sessions: sessions.size, requests: requests.size }),
    close,
  };
};
