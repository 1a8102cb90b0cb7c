import type { Broker } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import {
  createError,
  EVENTS,
  type ReplyFrame,
  requestKey,
  type Timers,
} from "@taskbridge/core/protocol";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import { createRequestFrames, type RequestFrames } from "./createRequestFrames.js";
import { createRetentionQueue } from "./createRetentionQueue.js";
import { createTokenBucket, type RateLimit, type TokenBucket } from "./createTokenBucket.js";

/** Where a request's frames go: a Socket.IO socket, or anything with the same `emit`. */
export type FrameSocket = { readonly emit: (event: string, body: unknown) => unknown };

/** An authenticated client session: `<principal>:<sessionId>`, shared by its reconnecting sockets. */
export type SessionInfo = {
  readonly principal: string;
  readonly sessionId: string;
  readonly claims: Readonly<Record<string, unknown>>;
};

/** One request the gateway holds, from receipt until it is forgotten after its terminal frame. */
export type RequestEntry = {
  readonly key: string;
  readonly id: string;
  readonly session: Session;
  readonly startedAt: number;
  readonly frames: RequestFrames;
  /** The socket that last sent `request` or `resume` for it, while connected. */
  owner: FrameSocket | undefined;
  type: string;
  deadline: number;
  published: boolean;
  /** A re-attached request that has not seen a frame yet (see `createOrphanHolder`). */
  awaitingFirstFrame: boolean;
  onReply: ((frame: ReplyFrame) => ReplyFrame | null) | undefined;
  timer: unknown;
};

/** One session's state. */
export type Session = SessionInfo & {
  readonly key: string;
  sockets: number;
  inFlight: number;
  readonly bucket: TokenBucket;
  readonly entries: Map<string, RequestEntry>;
};

export type RequestTableOptions = {
  readonly broker: Broker;
  readonly cancelExchange: string;
  readonly rateLimit: RateLimit;
  readonly replayFrames: number;
  readonly retentionMs: number;
  /** True when reply frames may need a plugin's `onReply` (skips the hook's cost otherwise). */
  readonly transformReplies: boolean;
  readonly timers: Timers;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
};

export type RequestTable = ReturnType<typeof createRequestTable>;

/**
 * What the gateway remembers, and for how long: sessions by `<principal>:<sessionId>` (while a
 * socket is connected or a request is held), requests by key `<principal>:<sessionId>:<id>` and
 * by id within their session, each with its frames, owner socket and timer. A request is
 * forgotten `retentionMs` after its terminal frame; a session once it has neither sockets nor
 * requests — so a disconnected client leaks nothing once its requests time out.
 */
export const createRequestTable = (options: RequestTableOptions) => {
  const { broker, timers, metrics, logger } = options;
  const sessions = new Map<string, Session>();
  const requests = new Map<string, RequestEntry>();

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

  const forget = (entry: RequestEntry): void => {
    requests.delete(entry.key);
    if (entry.session.entries.get(entry.id) === entry) entry.session.entries.delete(entry.id);
    maybeFree(entry.session);
  };

  const retained = createRetentionQueue<RequestEntry>({
    retentionMs: options.retentionMs,
    onExpire: forget,
    timers,
  });

  const finished = (entry: RequestEntry, frame: ReplyFrame): void => {
    timers.clearTimeout(entry.timer);
    entry.session.inFlight -= 1;
    const outcome = frame.kind === "error" ? frame.error.code : "result";
    // Only accepted requests name their type: clients choose types, and labelling refused or
    // unroutable ones would let them grow the metrics without bound.
    const type = entry.frames.isAccepted() ? entry.type : "-";
    metrics.requestEnded(type, outcome, (timers.now() - entry.startedAt) / 1000);
    retained.add(entry);
  };

  const register = (
    session: Session,
    socket: FrameSocket,
    id: string,
    type: string,
    firstSeq: number,
  ): RequestEntry => {
    const frames = createRequestFrames({
      id,
      firstSeq,
      accepted: firstSeq > 0,
      replayFrames: options.replayFrames,
      send: (frame) => {
        entry.owner?.emit(EVENTS.reply, frame);
        if (frame.kind === "result" || frame.kind === "error") finished(entry, frame);
      },
      transform: !options.transformReplies
        ? undefined
        : (frame) => (entry.onReply === undefined ? frame : entry.onReply(frame)),
    });
    const entry: RequestEntry = {
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

  const publishCancel = (entry: RequestEntry): void => {
    if (!entry.published) return;
    const body = JSON.stringify({ correlationId: entry.key, deadline: entry.deadline });
    broker
      .publish(options.cancelExchange, "", body, { contentType: "application/json" })
      .catch((error: unknown) => logger.warn("cancel publish failed", { error: String(error) }));
  };

  /** (Re)starts the request's timer: `TIMEOUT` and a cancel broadcast when it fires. */
  const startTimer = (entry: RequestEntry, timeoutMs: number): void => {
    timers.clearTimeout(entry.timer);
    entry.timer = timers.setTimeout(() => {
      const timeout = createError("TIMEOUT", `no result within ${timeoutMs} ms`, {
        retryable: true,
      });
      if (entry.frames.end(timeout)) {
        publishCancel(entry);
      }
    }, timeoutMs);
  };

  const disconnect = (session: Session, socket: FrameSocket): void => {
    for (const entry of session.entries.values()) {
      if (entry.owner === socket) entry.owner = undefined;
    }
    session.sockets -= 1;
    maybeFree(session);
  };

  const close = (): void => {
    for (const entry of requests.values()) timers.clearTimeout(entry.timer);
    retained.close();
    requests.clear();
    sessions.clear();
  };

  return {
    connect,
    disconnect,
    register,
    /** The request with this key, if held. */
    byKey: (key: string): RequestEntry | undefined => requests.get(key),
    startTimer,
    publishCancel,
    /** Books a terminal frame sent outside `frames` (the resume `frames-dropped` answer). */
    finished,
    stats: () => ({ sessions: sessions.size, requests: requests.size }),
    close,
  };
};
