import { createSessionId, isSessionId } from "../protocol/index.js";
import { realTimers } from "../protocol/timers.js";
import { createSocketIoConnection } from "./createSocketIoConnection.js";
import { createSocketIoRequestRouter } from "./createSocketIoRequestRouter.js";
import { openSocket } from "./openSocket.js";
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_GRACE_MS,
  defaultTransportLogger,
  type SocketIoTransportOptions,
} from "./socketIoTransportOptions.js";
import type { Transport } from "./transport.js";

/** A `Transport` over Socket.IO, plus what only a live link has. */
export type SocketIoTransport = Transport & {
  /** The session id this transport sends on every handshake. */
  readonly sessionId: string;
  /**
   * Connects again after the transport gave up: a refused handshake (`UNAUTHORIZED`,
   * `BAD_REQUEST`, …) or exhausted reconnection attempts. A no-op while connected or closed.
   */
  readonly reconnect: () => void;
};

/**
 * The live `Transport`: requests go to a taskbridge gateway over Socket.IO (docs/protocol.md §2) and
 * their `reply` frames come back to each request's listener, checked, in order, without gaps or
 * repeats, ending in exactly one terminal frame. The link survives reconnects: requests sent
 * while disconnected wait and go out once on connect, and every request in flight is re-attached
 * with `resume` (`after` = the last seq seen), so a stream continues where it broke. Each
 * request keeps a client-side deadline, so a wait that ran out while offline ends with `TIMEOUT`.
 * A handshake refused with an error body that is not `retryable` (`UNAUTHORIZED`, `BAD_REQUEST`)
 * is final: pending and later requests end with that error until `reconnect()`. The connection
 * states are `createSocketIoConnection`'s, the requests `createSocketIoRequestRouter`'s.
 *
 * @example
 * const transport = createSocketIoTransport({ url: "http://localhost:8080", token });
 * transport.send({ id: createRequestId(), type: "demo.echo", payload: 1 }, (frame) => log(frame));
 */
export const createSocketIoTransport = (
  options: SocketIoTransportOptions = {},
): SocketIoTransport => {
  const logger = options.logger ?? defaultTransportLogger;
  const timers = options.timers ?? realTimers;
  const sessionId = options.sessionId ?? createSessionId();
  if (!isSessionId(sessionId)) {
    throw new TypeError("sessionId must match [A-Za-z0-9_-]{16,64}");
  }
  const socket = openSocket(options, sessionId);
  const router = createSocketIoRequestRouter({
    socket,
    timers,
    logger,
    now: options.now ?? Date.now,
    defaultTimeoutMs: options.defaultTimeoutMs,
    graceMs: options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS,
  });
  const connection = createSocketIoConnection({
    socket,
    timers,
    logger,
    onConnect: router.onConnect,
    onDisconnect: router.onDisconnect,
    onGiveUp: router.endAll,
  });

  let closing: Promise<void> | undefined;
  const shutDown = async () => {
    connection.beginClose();
    await router.close(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    connection.finishClose();
  };

  return {
    sessionId,
    send: (request, listener) => router.send(request, listener, connection.refusal()),
    cancel: router.cancel,
    close: () => {
      closing ??= shutDown();
      return closing;
    },
    reconnect: connection.reconnect,
    getConnectionState: connection.state,
    subscribeConnectionState: connection.subscribe,
  };
};
