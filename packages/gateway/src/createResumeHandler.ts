import {
  createError,
  type ErrorBody,
  EVENTS,
  parseResumeEvent,
  type ReplyFrame,
  type Timers,
} from "@taskbridge/core/protocol";
import type { OrphanHolder } from "./createOrphanHolder.js";
import type { FrameSocket, RequestTable, Session } from "./createRequestTable.js";

export type ResumeHandlerOptions = {
  readonly table: RequestTable;
  readonly orphans: OrphanHolder;
  readonly maxInFlightPerSession: number;
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly timers: Timers;
  readonly isDraining: () => boolean;
  readonly onProtocolError: (socket: FrameSocket, error: ErrorBody) => void;
};

/**
 * The `resume` event (docs/protocol.md §2): the socket becomes the request's owner and gets the held
 * frames with `seq > after`, in order, then the live ones — no gap, no repeat. A position older
 * than the oldest held frame ends the request with `NOT_FOUND` (`frames-dropped`); an unknown id
 * is `NOT_FOUND`, except in a restarted process's first minute, when the request is re-attached
 * from the frames held for its key, numbered from `after + 1`, and ends with `TIMEOUT` unless a
 * terminal frame comes within the resume's `timeoutMs`.
 */
export const createResumeHandler = (options: ResumeHandlerOptions) => {
  const { table, orphans, timers, isDraining, onProtocolError } = options;

  const adopt = (
    session: Session,
    socket: FrameSocket,
    id: string,
    after: number,
    timeoutMs: number,
  ): void => {
    const entry = table.register(session, socket, id, "-", after + 1);
    entry.deadline = timers.now() + timeoutMs;
    entry.published = true;
    table.startTimer(entry, timeoutMs);
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
      onProtocolError(socket, parsed.error);
      return;
    }
    const { id, after } = parsed.value;
    const entry = session.entries.get(id);
    if (entry === undefined) {
      if (orphans.isOpen() && !isDraining()) {
        // Re-attaching holds state like a request does: the same per-session limits apply.
        if (session.inFlight >= options.maxInFlightPerSession || !session.bucket.take()) {
          socket.emit(EVENTS.reply, {
            id,
            seq: after + 1,
            kind: "error",
            error: createError("RATE_LIMITED", "too many requests", { retryable: true }),
          });
          return;
        }
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
    if (entry.frames.endWith(frame)) {
      table.finished(entry, frame);
      table.publishCancel(entry);
    }
  };

  return resume;
};
