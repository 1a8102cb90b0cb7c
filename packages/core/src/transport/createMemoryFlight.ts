import {
  type ErrorBody,
  type FrameBody,
  forEachReplyFrame,
  isTerminalFrame,
  type ReplyFrame,
  type WireReplyFrame,
} from "../protocol/index.js";
import type { Timers } from "../protocol/timers.js";
import type { FrameListener } from "./transport.js";

/**
 * One request in the memory transport, from `send` to its terminal frame: it numbers the frames
 * (`seq` 0, 1, 2 …), hands them to the listener asynchronously in microtask batches, and once the
 * terminal frame is out ignores every later one and clears the request's timers. Consecutive
 * chunks of one batch travel as one 1.1 `chunks` frame and reach the listener through the
 * expansion the Socket.IO transport uses (`forEachReplyFrame`, docs/protocol.md §14.2).
 */
export type MemoryFlight = {
  readonly id: string;
  /** Numbers `body` and queues it for the listener; no-op once the terminal frame went out. */
  readonly deliver: (body: FrameBody) => void;
  /** Ends the request with an `error` frame and aborts the running attempt's signal. */
  readonly end: (error: ErrorBody) => void;
  /** Runs `callback` in `ms`, unless the flight ended first. */
  readonly setTimer: (ms: number, callback: () => void) => void;
  /** Runs `callback` after `ms`, or in a microtask when `ms <= 0`; a timer dies with the flight. */
  readonly later: (ms: number, callback: () => void) => void;
  /** The attempt running, or about to: 1, then one more per simulated crash. */
  readonly attempt: () => number;
  /** Counts one more attempt (a crash): the previous one is no longer current. */
  readonly nextAttempt: () => number;
  /** Gives the attempt about to run its signal, which `end` aborts. */
  readonly startAttempt: () => AbortController;
  readonly isFinished: () => boolean;
};

export type MemoryFlightOptions = {
  readonly timers: Pick<Timers, "setTimeout" | "clearTimeout">;
  /** Where an exception thrown by the listener goes. */
  readonly onListenerError: (thrown: unknown) => void;
  /** Called once, as the terminal frame is queued. */
  readonly onFinished: () => void;
};

/**
 * Creates the flight of request `id` whose frames go to `onFrame`.
 *
 * @example
 * const flight = createMemoryFlight(id, onFrame, { timers, onListenerError, onFinished });
 * flight.deliver({ kind: "accepted" });
 */
export const createMemoryFlight = (
  id: string,
  onFrame: FrameListener,
  { timers, onListenerError, onFinished }: MemoryFlightOptions,
): MemoryFlight => {
  let seq = 0;
  let attempt = 1;
  let finished = false;
  let controller = new AbortController();
  const handles: unknown[] = [];
  let outbox: WireReplyFrame[] = [];
  /** The items of the batch at the end of the outbox, while chunks keep coming. */
  let batch: unknown[] | undefined;

  const visit = (frame: ReplyFrame): void => {
    try {
      onFrame(frame);
    } catch (thrown) {
      onListenerError(thrown);
    }
  };

  const drain = (): void => {
    const frames = outbox;
    outbox = [];
    batch = undefined;
    for (const frame of frames) forEachReplyFrame(frame, visit);
  };

  const enqueue = (frame: WireReplyFrame): void => {
    outbox.push(frame);
    if (outbox.length === 1) queueMicrotask(drain);
  };

  const deliver = (body: FrameBody): void => {
    if (finished) return;
    if (body.kind === "chunk") {
      // Chunks of the same turn: one batch, as a 1.1 gateway sends them.
      if (batch !== undefined) batch.push(body.data);
      else {
        batch = [body.data];
        enqueue({ id, seq, kind: "chunks", data: batch });
      }
      seq += 1;
      return;
    }
    batch = undefined;
    const frame = { ...body, id, seq: seq++ } as ReplyFrame;
    if (isTerminalFrame(frame)) {
      finished = true;
      for (const handle of handles) timers.clearTimeout(handle);
      onFinished();
    }
    enqueue(frame);
  };

  const setTimer = (ms: number, callback: () => void): void => {
    handles.push(timers.setTimeout(callback, ms));
  };

  return {
    id,
    deliver,
    end: (error) => {
      if (finished) return;
      deliver({ kind: "error", error });
      controller.abort(error);
    },
    setTimer,
    later: (ms, callback) => {
      if (ms <= 0) queueMicrotask(callback);
      else setTimer(ms, callback);
    },
    attempt: () => attempt,
    nextAttempt: () => {
      attempt += 1;
      return attempt;
    },
    startAttempt: () => {
      controller = new AbortController();
      return controller;
    },
    isFinished: () => finished,
  };
};
