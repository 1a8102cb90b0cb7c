import type { Socket } from "socket.io-client";
import { createListeners } from "../protocol/createListeners.js";
import { createError, type ErrorBody, isErrorBody } from "../protocol/index.js";
import type { Logger } from "../protocol/logger.js";
import type { Timers } from "../protocol/timers.js";
import type { ConnectionState } from "./transport.js";

export type SocketIoConnectionOptions = {
  readonly socket: Socket;
  readonly timers: Pick<Timers, "setTimeout" | "clearTimeout">;
  readonly logger: Logger;
  /** The socket connected (again): what waited can go out. */
  readonly onConnect: () => void;
  /** The socket dropped, whatever the reason (also while closing). */
  readonly onDisconnect: () => void;
  /** The link is given up for now: everything pending ends with `error`. */
  readonly onGiveUp: (error: ErrorBody) => void;
};

/** What `createSocketIoConnection` returns. */
export type SocketIoConnection = {
  readonly state: () => ConnectionState;
  readonly subscribe: (listener: (state: ConnectionState) => void) => () => void;
  /**
   * Why a request sent now is refused at once (the transport is closed, the gateway refused the
   * handshake for good, or the link was given up), or `undefined` when it may go or wait.
   */
  readonly refusal: () => ErrorBody | undefined;
  /** Connects again after a refused handshake or exhausted attempts; no-op when connected or closed. */
  readonly reconnect: () => void;
  /** First step of `close()`: no more retries, and nothing here reacts to the socket any more. */
  readonly beginClose: () => void;
  /** Last step of `close()`: detaches from the socket, disconnects it, and says `closed`. */
  readonly finishClose: () => void;
};

/**
 * The Socket.IO transport's connection state machine: `connecting` → `connected` ⇄
 * `reconnecting`, `disconnected` once it gives up, `closed` at the end. socket.io-client's own
 * reconnection does most of the work; this adds what it does not do: a handshake refused with
 * a `retryable` error body is retried after the reconnection delay, one that is not
 * (`UNAUTHORIZED`, `BAD_REQUEST`) is final until `reconnect()`, and a disconnect the gateway
 * made on purpose (`io server disconnect`) is followed by a new connection, since the session
 * and its requests live on at the gateway.
 *
 * @example
 * const connection = createSocketIoConnection({ socket, timers, logger, onConnect, onDisconnect, onGiveUp });
 * connection.subscribe((state) => console.log(state));
 */
export const createSocketIoConnection = ({
  socket,
  timers,
  logger,
  onConnect,
  onDisconnect,
  onGiveUp,
}: SocketIoConnectionOptions): SocketIoConnection => {
  let state: ConnectionState = "connecting";
  let everConnected = false;
  let closed = false;
  /** Set when the gateway refused the handshake for good; later sends end with it. */
  let refused: ErrorBody | undefined;
  let retryTimer: unknown;
  const listeners = createListeners<[ConnectionState]>();

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    listeners.emit(next);
  };

  const giveUp = (error: ErrorBody) => {
    setState("disconnected");
    onGiveUp(error);
  };

  const retrySoon = () => {
    timers.clearTimeout(retryTimer);
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      if (!closed && !socket.connected) socket.connect();
    }, socket.io.reconnectionDelay());
  };

  const handleConnect = () => {
    everConnected = true;
    setState("connected");
    onConnect();
  };

  const handleDisconnect = (reason: string) => {
    onDisconnect();
    if (closed) return;
    if (reason === "io server disconnect") {
      // The gateway dropped this socket on purpose; socket.io will not come back by itself,
      // but the session and its requests live on at the gateway, so connect again.
      setState("reconnecting");
      retrySoon();
    } else if (socket.active) setState("reconnecting");
    else giveUp(createError("UNAVAILABLE", `lost the gateway: ${reason}`, { retryable: true }));
  };

  const handleConnectError = (error: Error & { data?: unknown }) => {
    if (closed) return;
    const body = error.data;
    if (isErrorBody(body)) {
      logger.warn("the gateway refused the handshake", body);
      if (body.retryable === true) {
        setState(everConnected ? "reconnecting" : "connecting");
        retrySoon();
        return;
      }
      refused = body;
      giveUp(body);
      return;
    }
    if (socket.active) {
      logger.debug("connection attempt failed; socket.io retries", { error: error.message });
      return;
    }
    refused = createError("UNAVAILABLE", `the gateway refused the connection: ${error.message}`);
    giveUp(refused);
  };

  const handleReconnectAttempt = () => {
    if (!closed && !socket.connected) setState(everConnected ? "reconnecting" : "connecting");
  };

  const handleReconnectFailed = () => {
    if (closed) return;
    giveUp(createError("UNAVAILABLE", "could not reach the gateway", { retryable: true }));
  };

  socket.on("connect", handleConnect);
  socket.on("disconnect", handleDisconnect);
  socket.on("connect_error", handleConnectError);
  socket.io.on("reconnect_attempt", handleReconnectAttempt);
  socket.io.on("reconnect_failed", handleReconnectFailed);
  if (socket.connected) handleConnect();
  else socket.connect();

  return {
    state: () => state,
    subscribe: listeners.subscribe,
    refusal: () => {
      if (closed) return createError("UNAVAILABLE", "the transport is closed");
      if (refused !== undefined) return refused;
      if (state === "disconnected") {
        return createError("UNAVAILABLE", "not connected to the gateway", { retryable: true });
      }
      return undefined;
    },
    reconnect: () => {
      if (closed || socket.connected) return;
      refused = undefined;
      setState(everConnected ? "reconnecting" : "connecting");
      socket.connect();
    },
    beginClose: () => {
      closed = true;
      timers.clearTimeout(retryTimer);
    },
    finishClose: () => {
      socket.off("connect", handleConnect);
      socket.off("disconnect", handleDisconnect);
      socket.off("connect_error", handleConnectError);
      socket.io.off("reconnect_attempt", handleReconnectAttempt);
      socket.io.off("reconnect_failed", handleReconnectFailed);
      socket.disconnect();
      setState("closed");
    },
  };
};
