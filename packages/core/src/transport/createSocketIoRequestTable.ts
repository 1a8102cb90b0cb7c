import type { ErrorBody, ReplyFrame, TerminalFrame } from "../protocol/index.js";
import type { Logger } from "../protocol/logger.js";
import type { Timers } from "../protocol/timers.js";
import type { FrameListener, TransportRequest } from "./transport.js";

/** What the Socket.IO transport remembers of one request until its terminal frame. */
export type SocketIoPendingRequest = {
  readonly request: TransportRequest;
  /** True once the gateway has been sent its `request` (it is then resumed, not re-sent). */
  sent: boolean;
  /** The last seq passed to the listener; -1 before any. */
  lastSeq: number;
  /** Epoch ms at which the client stops waiting. */
  readonly deadline: number;
  /** True while a `resume` is outstanding: frames after a gap are dropped, not re-requested. */
  replaying: boolean;
  /**
   * Where the request's replies live, from its 1.1 `accepted` frame (docs/protocol.md §14.3):
   * sent back in every `resume`, so that another gateway can take the request over.
   */
  origin: { readonly gateway: string; readonly at: number } | undefined;
};

export type SocketIoRequestTableOptions = {
  readonly timers: Pick<Timers, "setTimeout" | "clearTimeout">;
  readonly logger: Logger;
  /** Called when a request's client-side timer fires; it must end the request. */
  readonly onDeadline: (pending: SocketIoPendingRequest) => void;
};

export type SocketIoRequestTable = ReturnType<typeof createSocketIoRequestTable>;

/**
 * The Socket.IO transport's requests in flight, in the order they were sent, with their
 * listeners and client-side timers. It guarantees the listener half of the `Transport`
 * contract: after `finish` or `end` the request is gone, its timer cleared, and its listener
 * never called again; a listener that throws is logged and cannot break the transport.
 */
export const createSocketIoRequestTable = ({
  timers,
  logger,
  onDeadline,
}: SocketIoRequestTableOptions) => {
  type Entry = { readonly listener: FrameListener; readonly timer: unknown };
  const entries = new Map<string, { pending: SocketIoPendingRequest; entry: Entry }>();

  const call = (listener: FrameListener, frame: ReplyFrame) => {
    try {
      listener(frame);
    } catch (error) {
      logger.error("a frame listener threw", { error });
    }
  };

  const finish = (pending: SocketIoPendingRequest, frame: TerminalFrame) => {
    const slot = entries.get(pending.request.id);
    if (slot === undefined || slot.pending !== pending) return;
    entries.delete(pending.request.id);
    timers.clearTimeout(slot.entry.timer);
    pending.lastSeq = frame.seq;
    call(slot.entry.listener, frame);
  };

  return {
    /** Registers a request; its timer fires `timerDelayMs` from now. */
    add: (
      request: TransportRequest,
      listener: FrameListener,
      deadline: number,
      timerDelayMs: number,
    ): SocketIoPendingRequest => {
      const pending: SocketIoPendingRequest = {
        request,
        sent: false,
        lastSeq: -1,
        deadline,
        replaying: false,
        origin: undefined,
      };
      const timer = timers.setTimeout(() => onDeadline(pending), timerDelayMs);
      entries.set(request.id, { pending, entry: { listener, timer } });
      return pending;
    },
    get: (id: string): SocketIoPendingRequest | undefined => entries.get(id)?.pending,
    /** A snapshot, so that ending requests while iterating is safe. */
    list: (): SocketIoPendingRequest[] => [...entries.values()].map((slot) => slot.pending),
    /** Passes a non-terminal frame on. */
    deliver: (pending: SocketIoPendingRequest, frame: ReplyFrame) => {
      const slot = entries.get(pending.request.id);
      if (slot !== undefined && slot.pending === pending) call(slot.entry.listener, frame);
    },
    /** Passes the terminal frame on and forgets the request. */
    finish,
    /** Ends the request locally with an `error` frame numbered after the last one seen. */
    end: (pending: SocketIoPendingRequest, error: ErrorBody) =>
      finish(pending, { id: pending.request.id, seq: pending.lastSeq + 1, kind: "error", error }),
  };
};
