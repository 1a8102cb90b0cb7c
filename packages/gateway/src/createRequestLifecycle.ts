// Over 250 lines on purpose: the one writer of every request's record — each event of
// reduceRequestRecord and what it calls for (frames, timers, cancels, metrics, retention,
// adoption and claims) read best in one place.
import type { Broker } from "@taskbridge/broker";
import {
  cancelledError,
  createError,
  type ErrorBody,
  EVENTS,
  type Logger,
  type ReplyFrame,
  requestKey,
  type Timers,
} from "@taskbridge/core/protocol";
import { createAcceptedHold } from "./createAcceptedHold.js";
import { createDeadlineQueue } from "./createDeadlineQueue.js";
import { createFrameOutbox } from "./createFrameOutbox.js";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import { createRequestFrames, type RequestFrames } from "./createRequestFrames.js";
import type { RequestEntry, RequestTable, Session } from "./createRequestTable.js";
import { publishCancel } from "./publishCancel.js";
import {
  type FrameSocket,
  type RequestRecord,
  type RequestRecordEvent,
  reattachedRecord,
  receivedRecord,
  reduceRequestRecord,
} from "./reduceRequestRecord.js";
import { speaksV11 } from "./socketProtocol.js";

export type RequestLifecycleOptions = {
  readonly table: RequestTable;
  readonly broker: Broker;
  readonly cancelExchange: string;
  /** Frames held per request for `resume`. */
  readonly replayFrames: number;
  /** True when some plugin has a reply hook (skips the hook's cost otherwise). */
  readonly transformReplies: boolean;
  /**
   * How long an `accepted` frame for a 1.1 socket may wait for the request's next frame, so that
   * both leave in one socket write (docs/protocol.md §14.4); 0 or undefined: sent at once.
   */
  readonly acceptedHoldMs?: number;
  /** This gateway's id when its replies go to a reply stream (docs/protocol.md §14.3). */
  readonly streamGatewayId?: string;
  /** Called once a request is no longer in flight here: it ended, or another gateway claimed it. */
  readonly onGone?: (entry: RequestEntry) => void;
  readonly timers: Timers;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
};

/** A `resume` that adopts a request from the reply stream of `gateway` (docs/protocol.md §14.3). */
export type Adoption = {
  readonly after: number;
  readonly timeoutMs: number;
  readonly gateway: string;
  readonly at: number;
};

/** What other modules tell the lifecycle (it sends `ended` itself). */
export type RequestLifecycleEvent = Exclude<RequestRecordEvent, { readonly type: "ended" }>;

export type RequestLifecycle = {
  /** Holds a request `socket` just sent: `received`, frames numbered from 0. */
  readonly receive: (
    session: Session,
    socket: FrameSocket,
    id: string,
    type: string,
  ) => RequestEntry;
  /**
   * Holds a predecessor's request that `socket` resumed after a restart: numbered from
   * `after + 1`, and ended by `TIMEOUT` (with a cancel) unless it ends within `timeoutMs`.
   */
  readonly reattach: (
    session: Session,
    socket: FrameSocket,
    id: string,
    resumed: { readonly after: number; readonly timeoutMs: number },
  ) => RequestEntry;
  /**
   * Holds another gateway's request that `socket` resumed (docs/protocol.md §14.3): numbered
   * from 0 as its owner numbered it, from the replies read from the owner's stream, with frames
   * up to `after` withheld; ended by `TIMEOUT` (with a cancel) unless it ends within `timeoutMs`.
   */
  readonly adopt: (
    session: Session,
    socket: FrameSocket,
    id: string,
    adoption: Adoption,
  ) => RequestEntry;
  /** Moves `entry` on by `event` and does what the event calls for; returns its record now. */
  readonly dispatch: (entry: RequestEntry, event: RequestLifecycleEvent) => RequestRecord;
  /** Stops every gateway timer. */
  readonly close: () => void;
};

/**
 * The life of every request the gateway holds, in one place: the record moves only through
 * `reduceRequestRecord`, and what an event calls for happens here — frames numbered and sent to
 * the owner (`createRequestFrames`), the gateway timer (`TIMEOUT`), the cancel broadcast for a
 * published request that ends by `cancel`, timeout or `frames-dropped` (docs/protocol.md §3.5),
 * the replay of a `resume` (through `createFrameOutbox`: a `chunks` batch whole to a 1.1 socket,
 * chunk by chunk to a version 1 one; an adopted request's frames the client has are withheld),
 * on the terminal frame the metrics and the hand-over to the table's retention, and on a claim
 * the silent hand-over to another gateway. The hub, the reply router, the resume handler and `publishRequest` only
 * send events.
 *
 * @example
 * const entry = lifecycle.receive(session, socket, "r1", "demo.echo");
 * lifecycle.dispatch(entry, { type: "published", publication });
 * lifecycle.dispatch(entry, { type: "accepted" }); // { id: "r1", seq: 0, kind: "accepted" } to the owner
 */
export const createRequestLifecycle = (options: RequestLifecycleOptions): RequestLifecycle => {
  const { table, broker, timers, metrics, logger } = options;
  /** The gateway timer of each request in flight, by key: one host timer for all of them. */
  const timeouts = createDeadlineQueue(timers);
  const outbox = createFrameOutbox({ streamGatewayId: options.streamGatewayId });
  /** `accepted` frames waiting (≤ acceptedHoldMs) for their request's next frame (§14.4). */
  const held = createAcceptedHold<RequestEntry>({
    holdMs: options.acceptedHoldMs ?? 0,
    release: (entry, frame) => {
      const { owner } = entry.record;
      if (owner !== undefined) outbox.deliver(entry, owner, frame);
    },
    timers,
  });

  // The one place a request's record changes; everywhere else it is read-only.
  const commit = (entry: RequestEntry, event: RequestRecordEvent): void => {
    const next = reduceRequestRecord(entry.record, event);
    if (next !== entry.record) (entry as { record: RequestRecord }).record = next;
  };

  /** Tells the workers to stop `entry`, unless it was never published (no worker can hold it). */
  const cancelPublished = (entry: RequestEntry): void => {
    const { deadline } = entry.record;
    if (deadline === undefined) return;
    const exchange = options.cancelExchange;
    publishCancel({ broker, exchange, requestKey: entry.key, deadline, logger });
  };

  const finish = (entry: RequestEntry, frame: ReplyFrame): void => {
    commit(entry, { type: "ended", frame });
    // Retained for `resume` from now on: keep only its held frames, not the live numbering.
    (entry as { frames: RequestFrames }).frames = entry.frames.ended();
    timeouts.clear(entry.key);
    held.drop(entry);
    const outcome = frame.kind === "error" ? frame.error.code : "result";
    // Only accepted requests name their type: clients choose types, and labelling refused or
    // unroutable ones would let them grow the metrics without bound.
    const type = entry.frames.isAccepted() ? entry.type : "-";
    metrics.requestEnded(type, outcome, (timers.now() - entry.startedAt) / 1000);
    table.settle(entry);
    options.onGone?.(entry);
  };

  /** Ends `entry` with the gateway's own `error` frame; false when it had ended already. */
  const end = (entry: RequestEntry, error: ErrorBody): boolean => {
    const seq = outbox.endSeq(entry);
    if (seq === undefined) return entry.frames.end(error);
    // An adopted request whose client is ahead of what was read so far: the client must take it.
    const frame: ReplyFrame = { id: entry.id, seq, kind: "error", error };
    if (!entry.frames.endWith(frame)) return false;
    held.flush(entry);
    const { owner } = entry.record;
    if (owner !== undefined) outbox.deliver(entry, owner, frame);
    finish(entry, frame);
    return true;
  };

  /** Ends `entry` with `error` and, when it was published, tells the workers to stop. */
  const abandon = (entry: RequestEntry, error: ErrorBody): void => {
    if (end(entry, error)) cancelPublished(entry);
  };

  /** Another gateway took `entry` over: forgotten here at once, with no frame and no cancel. */
  const release = (entry: RequestEntry): void => {
    if (entry.record.stage === "ended") return;
    timeouts.clear(entry.key);
    held.drop(entry);
    outbox.reveal(entry);
    table.drop(entry);
    const type = entry.frames.isAccepted() ? entry.type : "-";
    metrics.requestEnded(type, "claimed", (timers.now() - entry.startedAt) / 1000);
    options.onGone?.(entry);
  };

  const arm = (entry: RequestEntry, timeoutMs: number): void => {
    timeouts.set(entry.key, timeoutMs, () => dispatch(entry, { type: "timedOut", timeoutMs }));
  };

  const replied = (entry: RequestEntry, event: RequestLifecycleEvent & { type: "replied" }) => {
    try {
      entry.frames.fromWorker(event.kind, event.seq, event.attempt, event.body);
    } catch (error) {
      logger.error("reply hook failed", { error: String(error) });
      end(entry, createError("INTERNAL", "a gateway plugin failed"));
    }
  };

  const resumed = (entry: RequestEntry, socket: FrameSocket, after: number): void => {
    // A held `accepted` is in the replay buffer: the replay below sends it if the client lacks it.
    held.drop(entry);
    outbox.reveal(entry);
    const outcome = entry.frames.since(after);
    if (outcome.kind === "frames") {
      for (const frame of outcome.frames) outbox.deliver(entry, socket, frame);
      return;
    }
    const message = `frames after ${after} of ${entry.id} are no longer held`;
    const error = createError("NOT_FOUND", message, { details: { reason: "frames-dropped" } });
    const frame: ReplyFrame = { id: entry.id, seq: after + 1, kind: "error", error };
    socket.emit(EVENTS.reply, frame);
    if (entry.frames.endWith(frame)) {
      finish(entry, frame);
      cancelPublished(entry);
    }
  };

  const dispatch = (entry: RequestEntry, event: RequestLifecycleEvent): RequestRecord => {
    const before = entry.record;
    commit(entry, event);
    switch (event.type) {
      case "preparing":
        // A plugin that never answers must not hold the request forever.
        arm(entry, event.timeoutMs);
        break;
      case "published":
        if (before.stage === "received") arm(entry, event.publication.timeoutMs);
        break;
      case "accepted":
        entry.frames.accept();
        break;
      case "replied":
        replied(entry, event);
        break;
      case "failed":
        end(entry, event.error);
        break;
      case "cancelled":
        abandon(entry, cancelledError());
        break;
      case "timedOut":
        abandon(
          entry,
          createError("TIMEOUT", `no result within ${event.timeoutMs} ms`, { retryable: true }),
        );
        break;
      case "resumed":
        resumed(entry, event.socket, event.after);
        break;
      case "orphanWindowClosed":
      case "searched":
        if (entry.record.stage === "reattached") {
          end(entry, createError("NOT_FOUND", `request ${entry.id} is unknown`));
        }
        break;
      case "found":
        if (before.stage === "reattached") entry.frames.accept();
        break;
      case "claimed":
        release(entry);
        break;
      case "released":
        break;
    }
    return entry.record;
  };

  const open = (
    session: Session,
    socket: FrameSocket,
    id: string,
    type: string,
    resumed?: { readonly after: number; readonly timeoutMs: number },
    origin?: { readonly gateway: string; readonly at: number },
  ): RequestEntry => {
    const startedAt = timers.now();
    // An adopted request is numbered as its owner numbered it, from 0 (docs/protocol.md §14.3).
    const firstSeq = resumed === undefined || origin !== undefined ? 0 : resumed.after + 1;
    const entry: RequestEntry = {
      key: requestKey(session.principal, session.sessionId, id),
      id,
      session,
      type,
      startedAt,
      ...(origin === undefined ? {} : { origin }),
      record:
        resumed === undefined
          ? receivedRecord(socket)
          : reattachedRecord(socket, startedAt + resumed.timeoutMs),
      frames: createRequestFrames({
        id,
        firstSeq,
        accepted: firstSeq > 0,
        replayFrames: options.replayFrames,
        send: (frame) => {
          const { owner } = entry.record;
          const out = outbox.pass(entry, frame);
          if (owner !== undefined && out !== undefined) {
            // §14.4: a 1.1 socket's `accepted` may wait for the next frame to share its write.
            const holding = frame.kind === "accepted" && speaksV11(owner) && held.hold(entry, out);
            if (!holding) {
              held.flush(entry);
              outbox.deliver(entry, owner, out);
            }
          } else held.flush(entry);
          if (frame.kind === "result" || frame.kind === "error") finish(entry, frame);
        },
        transform: !options.transformReplies
          ? undefined
          : (frame) => {
              const hook = entry.record.onReply;
              return hook === undefined ? frame : hook(frame); // null drops the frame
            },
      }),
    };
    table.add(entry);
    metrics.requestStarted();
    if (origin !== undefined && resumed !== undefined) outbox.hide(entry, resumed.after);
    if (resumed !== undefined) arm(entry, resumed.timeoutMs);
    return entry;
  };

  return {
    receive: (session, socket, id, type) => open(session, socket, id, type),
    reattach: (session, socket, id, resumed) => open(session, socket, id, "-", resumed),
    adopt: (session, socket, id, { gateway, at, ...resumed }) =>
      open(session, socket, id, "-", resumed, { gateway, at }),
    dispatch,
    close: () => {
      timeouts.close();
      held.close();
    },
  };
};
