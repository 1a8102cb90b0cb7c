import type { Logger, Timers } from "@taskbridge/core/protocol";
import { createListeners } from "@taskbridge/core/protocol";
import type { ChannelModel } from "amqplib";
import { type BrokerError, unavailableError } from "./brokerError.js";
import { coalesceWrites } from "./coalesceWrites.js";
import { createRabbitDeclarationChannel } from "./createRabbitDeclarationChannel.js";
import type { RabbitSession } from "./rabbitSession.js";
import type { BrokerState } from "./types.js";

export type RabbitConnectionOptions = {
  readonly url: string;
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
 * failed attempt or a lost connection retries after `backoff(attempt)`. A new session counts as
 * `connected` once `onSession` has readied it; then the operations that waited run on it in
 * order. States: `connecting` → `connected` → `disconnected` → `connecting` … → `closed`.
 *
 * @example
 * const link = createRabbitConnection({ url, connect, connectTimeoutMs: 5000, logger, timers,
 *   backoff, onSession: async (s) => {}, onLost: () => {} });
 * link.start();
 * await link.whenConnected(async (s) => s.declarer.run((channel) => channel.checkQueue("q")));
 */
export const createRabbitConnection = (options: RabbitConnectionOptions): RabbitConnection => {
  const { logger, timers, backoff } = options;
  let state: BrokerState = "connecting";
  const listeners = createListeners<[BrokerState]>();
  let session: RabbitSession | undefined;
  let attempt = 0;
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

  const open = async (): Promise<void> => {
    if (state === "closed") return;
    setState("connecting");
    let connection: ChannelModel;
    try {
      connection = await options.connect(options.url, {
        noDelay: true,
        timeout: options.connectTimeoutMs,
      });
      coalesceWrites(connection);
    } catch (error) {
      if (isClosed()) return;
      logger.warn("could not connect to RabbitMQ", {
        attempt: attempt + 1,
        error: error instanceof Error ? error.message : error,
      });
      setState("disconnected");
      scheduleRetry();
      return;
    }
    if (isClosed()) {
      await connection.close().catch(noop);
      return;
    }
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
