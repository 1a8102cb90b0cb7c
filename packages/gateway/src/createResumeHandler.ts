import { createError, type ErrorBody, EVENTS, parseResumeEvent } from "@taskbridge/core/protocol";
import type { Adopter } from "./createAdopter.js";
import type { OrphanHolder } from "./createOrphanHolder.js";
import type { RequestLifecycle } from "./createRequestLifecycle.js";
import type { Session } from "./createRequestTable.js";
import type { GatewayLimits } from "./gatewayLimits.js";
import type { FrameSocket } from "./reduceRequestRecord.js";

export type ResumeHandlerOptions = Pick<
  GatewayLimits,
  "maxInFlightPerSession" | "defaultTimeoutMs" | "maxTimeoutMs"
> & {
  readonly lifecycle: RequestLifecycle;
  readonly orphans: OrphanHolder;
  /** Set when the gateway has a reply stream: resumes naming a `gateway` and `at` adopt (§14.3). */
  readonly adopter: Adopter | undefined;
  readonly isDraining: () => boolean;
  /** The gateway's clock: an `at` older than the maximum timeout names no running request. */
  readonly now: () => number;
  readonly onProtocolError: (socket: FrameSocket, error: ErrorBody) => void;
};

/** Handles one `resume` event of `socket`. */
export type ResumeHandler = (session: Session, socket: FrameSocket, body: unknown) => void;

/**
 * The `resume` event (docs/protocol.md §2): the socket becomes the request's owner and gets the held
 * frames with `seq > after`, in order, then the live ones — no gap, no repeat. A position older
 * than the oldest held frame ends the request with `NOT_FOUND` (`frames-dropped`); an unknown id
 * is `NOT_FOUND`, except in a restarted process's first minute, when the request is re-attached
 * from the frames held for its key, numbered from `after + 1`, and ends with `TIMEOUT` unless a
 * terminal frame comes within the resume's `timeoutMs`. With a reply stream, a 1.1 resume that
 * names the `gateway` and `at` of its `accepted` frame adopts the request instead, from that
 * gateway's stream (docs/protocol.md §14.3), under the same limits and timer.
 */
export const createResumeHandler = (options: ResumeHandlerOptions): ResumeHandler => {
  const { lifecycle, orphans, isDraining, onProtocolError } = options;

  const adopt = (
    session: Session,
    socket: FrameSocket,
    id: string,
    after: number,
    timeoutMs: number,
  ): void => {
    const entry = lifecycle.reattach(session, socket, id, { after, timeoutMs });
    for (const replay of orphans.take(entry.key)) replay();
    // Nothing held for it yet: unless a reply comes before the window closes, it is unknown.
    if (entry.record.stage !== "reattached") return;
    orphans.onClose(() => lifecycle.dispatch(entry, { type: "orphanWindowClosed" }));
  };

  const resume = (session: Session, socket: FrameSocket, body: unknown): void => {
    const parsed = parseResumeEvent(body);
    if (parsed.kind !== "ok") {
      onProtocolError(socket, parsed.error);
      return;
    }
    const { id, after, gateway, at } = parsed.value;
    const entry = session.entries.get(id);
    if (entry === undefined) {
      const { adopter } = options;
      const origin =
        adopter !== undefined &&
        gateway !== undefined &&
        at !== undefined &&
        // Bounds what a client can make the gateway re-read of a stream.
        at >= options.now() - options.maxTimeoutMs
          ? { adopter, gateway, at }
          : undefined;
      if ((origin !== undefined || orphans.isOpen()) && !isDraining()) {
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
        if (origin === undefined) adopt(session, socket, id, after, timeoutMs);
        else {
          const { gateway: owner, at: receivedAt } = origin;
          origin.adopter.adopt(session, socket, id, {
            after,
            timeoutMs,
            gateway: owner,
            at: receivedAt,
          });
        }
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
    lifecycle.dispatch(entry, { type: "resumed", socket, after });
  };

  return resume;
};
