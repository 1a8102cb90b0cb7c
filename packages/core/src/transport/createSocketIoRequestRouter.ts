import type { Socket } from "socket.io-client";
import {
  cancelledError,
  createError,
  type ErrorBody,
  EVENTS,
  forEachReplyFrame,
  isErrorBody,
  isRequestId,
  PROTOCOL_VERSION,
  parseWireFrame,
  type ReplyFrame,
} from "../protocol/index.js";
import type { Logger } from "../protocol/logger.js";
import { LONGEST_TIMEOUT_MS, type Timers } from "../protocol/timers.js";
import { checkSocketIoRequest } from "./checkSocketIoRequest.js";
import { createSocketIoCancelOutbox } from "./createSocketIoCancelOutbox.js";
import {
  createSocketIoRequestTable,
  type SocketIoPendingRequest,
} from "./createSocketIoRequestTable.js";
import { placeFrame } from "./placeFrame.js";
import type { FrameListener, TransportRequest } from "./transport.js";

export type SocketIoRequestRouterOptions = {
  readonly socket: Socket;
  readonly timers: Pick<Timers, "setTimeout" | "clearTimeout">;
  readonly logger: Logger;
  readonly now: () => number;
  /** The client-side wait of a request sent without `timeoutMs`. */
  readonly defaultTimeoutMs: number | undefined;
  /** How long past a deadline the gateway's own `TIMEOUT` is awaited. */
  readonly graceMs: number;
};

/** What `createSocketIoRequestRouter` returns. */
export type SocketIoRequestRouter = {
  /** Takes a request on (sent now when connected, else on connect), or ends it with `refusal`. */
  readonly send: (request: TransportRequest, listener: FrameListener, refusal?: ErrorBody) => void;
  /** Ends a request `CANCELLED` at once and tells the gateway (now, or on the next connect). */
  readonly cancel: (id: string) => void;
  /** The socket connected: owed cancels go out, waiting requests are sent, the others resumed. */
  readonly onConnect: () => void;
  /** The socket dropped: unanswered cancels are owed again. */
  readonly onDisconnect: () => void;
  /** Ends every pending request with `error` and forgets owed cancels. */
  readonly endAll: (error: ErrorBody) => void;
  /** Ends every request `CANCELLED`, waits (up to `timeoutMs`) for the gateway to take the cancels, detaches. */
  readonly close: (timeoutMs: number) => Promise<void>;
};

const DEFAULT_CLIENT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The request half of the Socket.IO transport: `request`, `resume` and `cancel` out, `reply`
 * and `protocol_error` in, routed to each request's listener checked, in order, without gaps or
 * repeats, ending in exactly one terminal frame; a 1.1 `chunks` batch reaches the listener as
 * its `chunk` frames. A request waits for a connection if need be,
 * is re-attached after a reconnect with `resume` (`after` = the last seq seen, plus the `gateway`
 * and `at` of a 1.1 `accepted` frame, so any gateway can take it over), asks again after a gap, and keeps a client-side deadline that ends it `TIMEOUT` when the gateway cannot.
 *
 * @example
 * const router = createSocketIoRequestRouter({ socket, timers, logger, now, defaultTimeoutMs, graceMs: 1000 });
 * router.send({ id: "r1", type: "demo.echo", payload: 1 }, (frame) => log(frame));
 */
export const createSocketIoRequestRouter = ({
  socket,
  timers,
  logger,
  now,
  defaultTimeoutMs,
  graceMs,
}: SocketIoRequestRouterOptions): SocketIoRequestRouter => {
  const cancels = createSocketIoCancelOutbox(socket, timers);

  const remainingMs = (pending: SocketIoPendingRequest) =>
    Math.max(1, Math.ceil(pending.deadline - now()));

  const timeOut = (pending: SocketIoPendingRequest) => {
    const waited = pending.request.timeoutMs ?? defaultTimeoutMs;
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
      ...pending.origin,
    });
  };

  const route = (frame: ReplyFrame) => {
    if (frame.kind === "result" || frame.kind === "error") cancels.confirm(frame.id);
    const pending = table.get(frame.id);
    if (pending === undefined) {
      logger.debug("dropped a frame of an unknown or finished request", frame);
      return;
    }
    const place = placeFrame(
      { id: pending.request.id, lastSeq: pending.lastSeq, finished: false },
      frame,
    );
    if (place === "stale") return;
    if (place === "ahead") {
      // A frame went missing: ask for everything after the last one seen; the replay brings
      // this one again, in order. One outstanding resume at a time.
      if (!pending.replaying && socket.connected) emitResume(pending);
      return;
    }
    pending.replaying = false;
    pending.lastSeq = frame.seq;
    if (frame.kind === "accepted" && frame.gateway !== undefined && frame.at !== undefined) {
      pending.origin = { gateway: frame.gateway, at: frame.at };
    }
    if (frame.kind === "result" || frame.kind === "error") table.finish(pending, frame);
    else table.deliver(pending, frame);
  };

  const onReply = (body: unknown) => {
    const frame = parseWireFrame(body);
    if (frame === undefined) {
      logger.warn("dropped a malformed reply frame", { body });
      return;
    }
    // A 1.1 batch is its chunk frames, one by one: ordering, gaps and repeats are per seq, so its
    // last item is the last seq seen (docs/protocol.md §14.2).
    forEachReplyFrame(frame, route);
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

  socket.on(EVENTS.reply, onReply);
  socket.on(EVENTS.protocolError, onProtocolError);

  const refuseLater = (id: string, listener: FrameListener, error: ErrorBody) => {
    queueMicrotask(() => listener({ id, seq: 0, kind: "error", error }));
  };

  const endAll = (error: ErrorBody) => {
    for (const pending of table.list()) table.end(pending, error);
    cancels.clear();
  };

  return {
    send: (request, listener, refusal) => {
      const { id } = request;
      const refused =
        refusal ??
        checkSocketIoRequest(request) ??
        (table.get(id) === undefined
          ? undefined
          : createError("BAD_REQUEST", `request ${id} is already in flight`));
      if (refused !== undefined) return refuseLater(id, listener, refused);
      const wanted = request.timeoutMs ?? defaultTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
      // Timers overflow past 2^31 - 1 ms (24.8 days) and would fire at once.
      const waitMs = Math.min(wanted, LONGEST_TIMEOUT_MS - graceMs);
      const pending = table.add(request, listener, now() + waitMs, waitMs + graceMs);
      if (socket.connected) emitRequest(pending);
    },
    cancel: (id) => {
      const pending = table.get(id);
      if (pending === undefined) return;
      if (pending.sent) cancels.cancel(id);
      table.end(pending, cancelledError());
    },
    onConnect: () => {
      cancels.onConnect();
      for (const pending of table.list()) {
        // Ran out while offline: the gateway's own timer (started later) ends it there.
        if (pending.deadline <= now()) timeOut(pending);
        else if (pending.sent) emitResume(pending);
        else emitRequest(pending);
      }
    },
    onDisconnect: () => cancels.onDisconnect(),
    endAll,
    close: async (timeoutMs) => {
      for (const pending of table.list()) {
        if (pending.sent && socket.connected) cancels.cancel(pending.request.id);
        table.end(pending, createError("CANCELLED", "the transport was closed"));
      }
      // Let the gateway take the cancels in before the disconnect packet (see the outbox).
      if (socket.connected) await cancels.settled(timeoutMs);
      cancels.clear();
      socket.off(EVENTS.reply, onReply);
      socket.off(EVENTS.protocolError, onProtocolError);
    },
  };
};
