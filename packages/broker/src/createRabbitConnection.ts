import type { Logger, Timers } from "@taskbridge/core/protocol";
import { createListeners } from "@taskbridge/core/protocol";
import type { ChannelModel } from "amqplib";
import { type BrokerError, unavailableError } from "./brokerError.js";
import { coalesceWrites } from "./coalesceWrites.js";
import { createRabbitDeclarationChannel } from "./createRabbitDeclarationChannel.js";
import type { RabbitSession } from "./rabbitSession.js";
import { redactAmqpUrl } from "./redactAmqpUrl.js";
import type { BrokerState } from "./types.js";

export type RabbitConnectionOptions = {
  /** The broker's addresses (the nodes of a cluster), tried in turn; at least one. */
  readonly urls: readonly string[];
  readonly connect: (
    url: string,
    socketOptions: { readonly noDelay: boolean; readonly timeout: number },
  ) => Promise<ChannelModel>;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  readonly timers: Timers;
  readonly backoff: (attempt: number) => number;
  /** Readies a new session (publish channel, replay) before it counts as connected; a rejection drops it. */
  readonly onSession: (s: RabbitSession) => Promise<void>;
  /** The session is lost, and the channels of it with it. */
  readonly onLost: () => void;
};

/** The connection loop of a RabbitMQ broker; see `createRabbitConnection`. */
export type RabbitConnection = {
  /** Opens the first connection. */
  readonly start: () => void;
  readonly getState: () => BrokerState;
  readonly subscribeState: (listener: (state: BrokerState) => void) => () => void;
  /** The live session, or `undefined` between connections. */
  readonly current: () => RabbitSession | undefined;
  /** Runs `operation` on the live session, or on the next one; rejects once closed. */
  readonly whenConnected: <T>(operation: (s: RabbitSession) => Promise<T>) => Promise<T>;
  /** The retryable `UNAVAILABLE` error of this moment (not retryable once closed). */
  readonly unavailable: () => BrokerError;
  /** Enters `closed` for good: no more retries, waiting operations reject; returns the session to close. */
  readonly close: () => RabbitSession | undefined;
};

const noop = (): void => {};

/**
 * Keeps one connection to RabbitMQ: opens it (`noDelay`, frame writes coalesced), and after a
 * failed attempt or a lost connection retries after `backoff(attempt)`. With several `urls` (the
 * nodes of a cluster) an attempt tries them in turn, round-robin, and the next one at once when one
 * is unreachable; only when all failed does it wait `backoff(attempt)`. After a lost connection it
 * starts with the address after the one it lost, so a stopped node is tried last. A new session
 * counts as `connected` once `onSession` has readied it; then the operations that waited run on
 * it in order. States: `connecting` → `connected` → `disconnected` → `connecting` … → `closed`.
 * It logs which address it connected to (password dropped): at `info` when there are several or
 * it is a reconnect, else at `debug`.
 *
 * @example
 * const link = createRabbitConnection({ urls, connect, connectTimeoutMs: 5000, logger, timers,
 *   backoff, onSession: async (s) => {}, onLost: () => {} });
 * link.start();
 * await link.whenConnected(async (s) => s.declarer.run((channel) => channel.checkQueue("q")));
 */
export const createRabbitConnection = (options: RabbitConnectionOptions): RabbitConnection => {
  const { logger, timers, backoff, urls } = options;
  if (urls.length === 0) throw new Error("createRabbitConnection needs at least one URL");
  let state: BrokerState = "connecting";
  const listeners = createListeners<[BrokerState]>();
  let session: RabbitSession | undefined;
  let attempt = 0;
  // the address the next attempt starts with: the one after the last connected
  let next = 0;
  let connectedBefore = false;
  let retryTimer: unknown;
  let waiters: {
    readonly run: (s: RabbitSession) => Promise<void>;
    readonly reject: (e: Error) => void;
  }[] = [];

  // a function, so TypeScript does not narrow `state` across awaits
  const isClosed = (): boolean => state === "closed";

  const setState = (next: BrokerState): void => {
    if (state === next) return;
    state = next;
    listeners.emit(next);
  };

  const unavailable = () => unavailableError(state, "not connected to RabbitMQ");

  const whenConnected = <T>(operation: (s: RabbitSession) => Promise<T>): Promise<T> => {
    if (state === "closed") return Promise.reject(unavailable());
    if (state === "connected" && session !== undefined) return operation(session);
    return new Promise<T>((resolve, reject) => {
      waiters.push({ run: (s) => operation(s).then(resolve, reject), reject });
    });
  };

  const lose = (s: RabbitSession, reason: unknown): void => {
    if (session !== s) return;
    session = undefined;
    options.onLost();
    if (state === "closed") return;
    logger.warn("lost the connection to RabbitMQ", {
      error: reason instanceof Error ? reason.message : reason,
    });
    setState("disconnected");
    scheduleRetry();
  };

  const scheduleRetry = (): void => {
    if (state === "closed" || retryTimer !== undefined) return;
    attempt++;
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      void open();
    }, backoff(attempt));
  };

  /** One attempt: each address once, from `next` on; the first that accepts wins. */
  const reach = async (): Promise<{ connection: ChannelModel; url: string } | undefined> => {
    const first = next;
    for (let k = 0; k < urls.length; k++) {
      const index = (first + k) % urls.length;
      const url = urls[index] as string;
      try {
        const connection = await options.connect(url, {
          noDelay: true,
          timeout: options.connectTimeoutMs,
        });
        coalesceWrites(connection);
        next = (index + 1) % urls.length;
        return { connection, url };
      } catch (error) {
        if (isClosed()) return undefined;
        logger.warn("could not connect to RabbitMQ", {
          url: redactAmqpUrl(url),
          attempt: attempt + 1,
          error: error instanceof Error ? error.message : error,
        });
      }
    }
    return undefined;
  };

  const open = async (): Promise<void> => {
    if (state === "closed") return;
    setState("connecting");
    const reached = await reach();
    if (isClosed()) {
      await reached?.connection.close().catch(noop);
      return;
    }
    if (reached === undefined) {
      setState("disconnected");
      scheduleRetry();
      return;
    }
    const { connection, url } = reached;
    const s: RabbitSession = {
      connection,
      publisher: undefined,
      declarer: createRabbitDeclarationChannel(connection, logger),
    };
    session = s;
    connection.on("error", (error: Error) =>
      logger.warn("RabbitMQ connection error", { error: error.message }),
    );
    connection.on("close", (error?: Error) => lose(s, error ?? "connection closed"));
    connection.on("blocked", (reason: string) =>
      logger.warn("RabbitMQ blocked the connection", { reason }),
    );
    try {
      await options.onSession(s);
    } catch (error) {
      lose(s, error);
      connection.close().catch(noop);
      return;
    }
    if (session !== s) return;
    attempt = 0;
    const where = { url: redactAmqpUrl(url) };
    if (urls.length > 1 || connectedBefore) logger.info("connected to RabbitMQ", where);
    else logger.debug("connected to RabbitMQ", where);
    connectedBefore = true;
    setState("connected");
    const ready = waiters;
    waiters = [];
    for (const waiter of ready) await waiter.run(s).catch(noop);
  };

  return {
    start: () => {
      void open();
    },
    getState: () => state,
    subscribeState: listeners.subscribe,
    current: () => session,
    whenConnected,
    unavailable,
    close: () => {
      const s = session;
      session = undefined;
      setState("closed");
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      retryTimer = undefined;
      const rejected = waiters;
      waiters = [];
      for (const waiter of rejected) waiter.reject(unavailable());
      return s;
    },
  };
};
