import {
  cancelledError,
  createError,
  createSessionId,
  type ErrorBody,
  EVENTS,
  isErrorBody,
  isRequestId,
  isSessionId,
  PROTOCOL_VERSION,
  parseReplyFrame,
} from "../protocol/index.js";
import { createListeners } from "../protocol/listeners.js";
import { LONGEST_TIMEOUT_MS, realTimers } from "../protocol/timers.js";
import { createSocketIoCancelOutbox } from "./socketIoCancelOutbox.js";
import { checkSocketIoRequest } from "./socketIoRequestCheck.js";
import { createSocketIoRequestTable, type SocketIoPendingRequest } from "./socketIoRequestTable.js";
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_GRACE_MS,
  defaultTransportLogger,
  openSocket,
  type SocketIoTransportOptions,
} from "./socketIoTransportOptions.js";
import type { ConnectionState, FrameListener, Transport, TransportRequest } from "./types.js";

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

const DEFAULT_CLIENT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The live `Transport`: requests go to a taskbridge gateway over Socket.IO (docs/protocol.md §2) and
 * their `reply` frames come back to each request's listener, checked, in order, without gaps or
 * repeats, ending in exactly one terminal frame. The link survives reconnects: requests sent
 * while disconnected wait and go out once on connect, and every request in flight is re-attached
 * with `resume` (`after` = the last seq seen), so a stream continues where it broke. Each
 * request keeps a client-side deadline, so a wait that ran out while offline ends with `TIMEOUT`.
 * A handshake refused with an error body that is not `retryable` (`UNAUTHORIZED`, `BAD_REQUEST`)
 * is final: pending and later requests end with that error until `reconnect()`.
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
  const now = options.now ?? Date.now;
  const sessionId = options.sessionId ?? createSessionId();
  if (!isSessionId(sessionId)) {
    throw new TypeError("sessionId must match [A-Za-z0-9_-]{16,64}");
  }
  const socket = openSocket(options, sessionId);
  const graceMs = options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS;

  let state: ConnectionState = "connecting";
  let everConnected = false;
  let closed = false;
  /** Set when the gateway refused the handshake for good; later sends end with it. */
  let refusal: ErrorBody | undefined;
  let retryTimer: unknown;
  const stateListeners = createListeners<[ConnectionState]>();
  const cancels = createSocketIoCancelOutbox(socket, timers);

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    stateListeners.emit(next);
  };

  const remainingMs = (pending: SocketIoPendingRequest) =>
    Math.max(1, Math.ceil(pending.deadline - now()));

  const timeOut = (pending: SocketIoPendingRequest) => {
    const waited = pending.request.timeoutMs ?? options.defaultTimeoutMs;
    table.end(
      pending,
      createError("TIMEOUT", "no reply before the client stopped waiting", {
        details: { timeoutMs: waited ?? DEFAULT_CLIENT_TIMEOUT_MS, local: true },
        retryable: true,
      }),
    );
  };

  const table = createSocketIoRequestTable({
    timers,
    logger,
    onDeadline: (pending) => {
      // Connected means attached to this socket: the gateway stops the work and answers.
      if (pending.sent && socket.connected) cancels.cancel(pending.request.id);
      timeOut(pending);
    },
  });

  const emitRequest = (pending: SocketIoPendingRequest) => {
    const { id, type, payload, timeoutMs } = pending.request;
    socket.emit(EVENTS.request, {
      v: PROTOCOL_VERSION,
      id,
      type,
      payload: payload ?? null,
      // A request that waited offline asks the gateway only for what is left of its wait.
      ...(timeoutMs == null ? {} : { timeoutMs: remainingMs(pending) }),
    });
    pending.sent = true;
  };

  const emitResume = (pending: SocketIoPendingRequest) => {
    pending.replaying = true;
    socket.emit(EVENTS.resume, {
      id: pending.request.id,
      after: pending.lastSeq,
      timeoutMs: remainingMs(pending),
    });
  };

  const refuseLater = (id: string, listener: FrameListener, error: ErrorBody) => {
    queueMicrotask(() => listener({ id, seq: 0, kind: "error", error }));
  };

  const giveUp = (error: ErrorBody) => {
    setState("disconnected");
    for (const pending of table.list()) table.end(pending, error);
    cancels.clear();
  };

  const retrySoon = () => {
    timers.clearTimeout(retryTimer);
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      if (!closed && !socket.connected) socket.connect();
    }, socket.io.reconnectionDelay());
  };

  const onConnect = () => {
    everConnected = true;
    setState("connected");
    cancels.onConnect();
    for (const pending of table.list()) {
      // Ran out while offline: the gateway's own timer (started later) ends it there.
      if (pending.deadline <= now()) timeOut(pending);
      else if (pending.sent) emitResume(pending);
      else emitRequest(pending);
    }
  };

  const onDisconnect = (reason: string) => {
    cancels.onDisconnect();
    if (closed) return;
    if (reason === "io server disconnect") {
      // The gateway dropped this socket on purpose; socket.io will not come back by itself,
      // but the session and its requests live on at the gateway, so connect again.
      setState("reconnecting");
      retrySoon();
    } else if (socket.active) setState("reconnecting");
    else giveUp(createError("UNAVAILABLE", `lost the gateway: ${reason}`, { retryable: true }));
  };

  const onConnectError = (error: Error & { data?: unknown }) => {
    if (closed) return;
    const body = error.data;
    if (isErrorBody(body)) {
      logger.warn("the gateway refused the handshake", body);
      if (body.retryable === true) {
        setState(everConnected ? "reconnecting" : "connecting");
        retrySoon();
        return;
      }
      refusal = body;
      giveUp(body);
      return;
    }
    if (socket.active) {
      logger.debug("connection attempt failed; socket.io retries", { error: error.message });
      return;
    }
    refusal = createError("UNAVAILABLE", `the gateway refused the connection: ${error.message}`);
    giveUp(refusal);
  };

  const onReply = (body: unknown) => {
    const frame = parseReplyFrame(body);
    if (frame === undefined) {
      logger.warn("dropped a malformed reply frame", { body });
      return;
    }
    if (frame.kind === "result" || frame.kind === "error") cancels.confirm(frame.id);
    const pending = table.get(frame.id);
    if (pending === undefined) {
      logger.debug("dropped a frame of an unknown or finished request", frame);
      return;
    }
    if (frame.seq <= pending.lastSeq) return;
    if (frame.seq > pending.lastSeq + 1) {
      // A frame went missing: ask for everything after the last one seen; the replay brings
      // this one again, in order. One outstanding resume at a time.
      if (!pending.replaying && socket.connected) emitResume(pending);
      return;
    }
    pending.replaying = false;
    pending.lastSeq = frame.seq;
    if (frame.kind === "result" || frame.kind === "error") table.finish(pending, frame);
    else table.deliver(pending, frame);
  };

  const onProtocolError = (body: unknown) => {
    if (!isErrorBody(body)) {
      logger.warn("dropped a malformed protocol_error", { body });
      return;
    }
    const details = body.details as { id?: unknown } | undefined;
    const pending = isRequestId(details?.id) ? table.get(details.id) : undefined;
    if (pending === undefined) logger.warn("the gateway reported a protocol error", body);
    else table.end(pending, body);
  };

  const onReconnectAttempt = () => {
    if (!closed && !socket.connected) setState(everConnected ? "reconnecting" : "connecting");
  };

  const onReconnectFailed = () => {
    if (closed) return;
    giveUp(createError("UNAVAILABLE", "could not reach the gateway", { retryable: true }));
  };

  socket.on("connect", onConnect);
  socket.on("disconnect", onDisconnect);
  socket.on("connect_error", onConnectError);
  socket.on(EVENTS.reply, onReply);
  socket.on(EVENTS.protocolError, onProtocolError);
  socket.io.on("reconnect_attempt", onReconnectAttempt);
  socket.io.on("reconnect_failed", onReconnectFailed);
  if (socket.connected) onConnect();
  else socket.connect();

  const send = (request: TransportRequest, listener: FrameListener) => {
    const { id } = request;
    if (closed) {
      refuseLater(id, listener, createError("UNAVAILABLE", "the transport is closed"));
    } else if (refusal !== undefined) {
      refuseLater(id, listener, refusal);
    } else if (state === "disconnected") {
      const error = createError("UNAVAILABLE", "not connected to the gateway", { retryable: true });
      refuseLater(id, listener, error);
    } else if (checkSocketIoRequest(request) !== undefined) {
      refuseLater(id, listener, checkSocketIoRequest(request)!);
    } else if (table.get(id) !== undefined) {
      refuseLater(id, listener, createError("BAD_REQUEST", `request ${id} is already in flight`));
    } else {
      const wanted = request.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
      // Timers overflow past 2^31 - 1 ms (24.8 days) and would fire at once.
      const waitMs = Math.min(wanted, LONGEST_TIMEOUT_MS - graceMs);
      const pending = table.add(request, listener, now() + waitMs, waitMs + graceMs);
      if (socket.connected) emitRequest(pending);
    }
  };

  const cancel = (id: string) => {
    const pending = table.get(id);
    if (pending === undefined) return;
    if (pending.sent) cancels.cancel(id);
    table.end(pending, cancelledError());
  };

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutDown();
    return closing;
  };

  const shutDown = async () => {
    closed = true;
    timers.clearTimeout(retryTimer);
    for (const pending of table.list()) {
      if (pending.sent && socket.connected) cancels.cancel(pending.request.id);
      table.end(pending, createError("CANCELLED", "the transport was closed"));
    }
    // Let the gateway take the cancels in before the disconnect packet (see the outbox).
    if (socket.connected) await cancels.settled(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    cancels.clear();
    socket.off("connect", onConnect);
    socket.off("disconnect", onDisconnect);
    socket.off("connect_error", onConnectError);
    socket.off(EVENTS.reply, onReply);
    socket.off(EVENTS.protocolError, onProtocolError);
    socket.io.off("reconnect_attempt", onReconnectAttempt);
    socket.io.off("reconnect_failed", onReconnectFailed);
    socket.disconnect();
    setState("closed");
  };

  const reconnect = () => {
    if (closed || socket.connected) return;
    refusal = undefined;
    setState(everConnected ? "reconnecting" : "connecting");
    socket.connect();
  };

  return {
    sessionId,
    send,
    cancel,
    close,
    reconnect,
    getConnectionState: () => state,
    subscribeConnectionState: stateListeners.subscribe,
  };
};
