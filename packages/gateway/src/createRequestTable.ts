import type { Timers } from "@taskbridge/core/protocol";
import type { RequestFrames } from "./createRequestFrames.js";
import { createRetentionQueue } from "./createRetentionQueue.js";
import { createTokenBucket, type RateLimit, type TokenBucket } from "./createTokenBucket.js";
import type { RequestRecord } from "./reduceRequestRecord.js";

/** An authenticated client session: `<principal>:<sessionId>`, shared by its reconnecting sockets. */
export type SessionInfo = {
  readonly principal: string;
  readonly sessionId: string;
  readonly claims: Readonly<Record<string, unknown>>;
};

/** One request the gateway holds, from receipt until it is forgotten after its terminal frame. */
export type RequestEntry = {
  /** `<principal>:<sessionId>:<id>`: the AMQP correlation id. */
  readonly key: string;
  readonly id: string;
  readonly session: Session;
  /** The type the client asked for (`-` for a re-attached request: its type is not known). */
  readonly type: string;
  readonly startedAt: number;
  /**
   * Its client-facing frames (numbering, restarts, the replay buffer), driven by the lifecycle,
   * which swaps them for their smaller `ended()` form once the request has ended.
   */
  readonly frames: RequestFrames;
  /** Where it is in its life; only the request lifecycle (`createRequestLifecycle`) replaces it. */
  readonly record: RequestRecord;
  /**
   * Set for a request this gateway adopted (docs/protocol.md §14.3): the gateway whose reply
   * stream holds its replies, and when that gateway received it (epoch ms).
   */
  readonly origin?: { readonly gateway: string; readonly at: number };
};

/** One session's state. Its counters and its requests by id are the request table's to change. */
export type Session = SessionInfo & {
  readonly key: string;
  /** Sockets of the session now connected. */
  sockets: number;
  /** Requests of the session without a terminal frame yet. */
  inFlight: number;
  readonly bucket: TokenBucket;
  readonly entries: Map<string, RequestEntry>;
};

export type RequestTableOptions = {
  readonly rateLimit: RateLimit;
  /** How long a finished request is remembered (its frames held, its id taken). */
  readonly retentionMs: number;
  /**
   * At most this many finished requests are remembered: beyond it the oldest finished ones are
   * forgotten early. Requests in flight do not count and are never forgotten by it. Default: no bound.
   */
  readonly maxRetained?: number;
  /** Told each time `maxRetained` makes the table forget a finished request before its time. */
  readonly onForgottenEarly?: () => void;
  readonly timers: Timers;
};

export type RequestTable = {
  /** A socket of the session `info` connected: its session, created on first use. */
  readonly connect: (info: SessionInfo) => Session;
  /** A socket of `session` disconnected; the session is freed once it holds nothing. */
  readonly disconnect: (session: Session) => void;
  /** Holds a new request (in flight) by key and by id within its session. */
  readonly add: (entry: RequestEntry) => void;
  /**
   * The request has sent its terminal frame: no longer in flight, forgotten `retentionMs` later,
   * or sooner once more than `maxRetained` finished requests are held (the oldest go first).
   */
  readonly settle: (entry: RequestEntry) => void;
  /** Forgets a request in flight at once (another gateway took it over, docs/protocol.md §14.3). */
  readonly drop: (entry: RequestEntry) => void;
  /** The request with this key, if held. */
  readonly byKey: (key: string) => RequestEntry | undefined;
  /** Every request held that has not sent its terminal frame yet. */
  readonly inFlight: () => readonly RequestEntry[];
  readonly stats: () => { readonly sessions: number; readonly requests: number };
  readonly close: () => void;
};

/**
 * What the gateway remembers, and for how long: sessions by `<principal>:<sessionId>` (while a
 * socket is connected or a request is held), requests by key `<principal>:<sessionId>:<id>` and
 * by id within their session. A request is forgotten `retentionMs` after its terminal frame, or
 * earlier when `maxRetained` finished requests newer than it are held (so a busy gateway's memory
 * stays bounded); a session once it has neither sockets nor requests — so a disconnected client
 * leaks nothing once its requests time out. What happens to a request while it is held is the
 * lifecycle's business.
 */
export const createRequestTable = (options: RequestTableOptions): RequestTable => {
  const { timers } = options;
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

  const disconnect = (session: Session): void => {
    session.sockets -= 1;
    maybeFree(session);
  };

  const forget = (entry: RequestEntry): void => {
    // The key may be held again by now (a request dropped and adopted back): leave that one be.
    if (requests.get(entry.key) === entry) requests.delete(entry.key);
    const { session } = entry;
    if (session.entries.get(entry.id) === entry) session.entries.delete(entry.id);
    maybeFree(session);
  };

  const retained = createRetentionQueue<RequestEntry>({
    retentionMs: options.retentionMs,
    maxItems: options.maxRetained,
    onExpire: (entry, early) => {
      if (early) options.onForgottenEarly?.();
      forget(entry);
    },
    timers,
  });

  const add = (entry: RequestEntry): void => {
    entry.session.entries.set(entry.id, entry);
    entry.session.inFlight += 1;
    requests.set(entry.key, entry);
  };

  const settle = (entry: RequestEntry): void => {
    entry.session.inFlight -= 1;
    retained.add(entry);
  };

  const drop = (entry: RequestEntry): void => {
    if (requests.get(entry.key) !== entry) return;
    entry.session.inFlight -= 1;
    forget(entry);
  };

  const close = (): void => {
    retained.close();
    requests.clear();
    sessions.clear();
  };

  const inFlight = (): readonly RequestEntry[] =>
    [...requests.values()].filter((entry) => entry.record.stage !== "ended");

  return {
    inFlight,
    connect,
    disconnect,
    add,
    settle,
    drop,
    byKey: (key) => requests.get(key),
    stats: () => ({ sessions: sessions.size, requests: requests.size }),
    close,
  };
};
