import type { Timers, WireReplyFrame } from "@taskbridge/core/protocol";
import { createDeadlineQueue } from "./createDeadlineQueue.js";

type Keyed = { readonly key: string };

export type AcceptedHoldOptions<Entry extends Keyed> = {
  /** How long an `accepted` frame may wait for the request's next frame; 0: never held. */
  readonly holdMs: number;
  /** Sends a frame that was held (to whoever owns the request when it goes). */
  readonly release: (entry: Entry, frame: WireReplyFrame) => void;
  readonly timers: Pick<Timers, "now" | "setTimeout" | "clearTimeout">;
};

/** What `createAcceptedHold` returns. */
export type AcceptedHold<Entry extends Keyed> = {
  /** Holds `frame` (an `accepted`) of `entry`; false when holding is off (send it now). */
  readonly hold: (entry: Entry, frame: WireReplyFrame) => boolean;
  /** Sends `entry`'s held frame now, if it has one: call it before sending any later frame. */
  readonly flush: (entry: Entry) => void;
  /** Forgets `entry`'s held frame without sending it (the request was replayed or handed over). */
  readonly drop: (entry: Entry) => void;
  /** Forgets every held frame and stops the timer. */
  readonly close: () => void;
};

/**
 * The `accepted` frames a gateway holds back for a short window so that a quick reply shares
 * their socket write (docs/protocol.md §14.4): the next frame of the request flushes its
 * `accepted` first, in the same turn, and a request with no frame within `holdMs` gets its
 * `accepted` when the window ends. One host timer for all of them (`createDeadlineQueue`).
 *
 * @example
 * const held = createAcceptedHold({ holdMs: 2, release: (entry, frame) => send(entry, frame), timers });
 * if (!held.hold(entry, accepted)) send(entry, accepted);
 * held.flush(entry); // before the result
 */
export const createAcceptedHold = <Entry extends Keyed>(
  options: AcceptedHoldOptions<Entry>,
): AcceptedHold<Entry> => {
  const { holdMs, release } = options;
  const frames = new Map<string, WireReplyFrame>();
  const windows = createDeadlineQueue(options.timers);

  const flush = (entry: Entry): void => {
    const frame = frames.get(entry.key);
    if (frame === undefined) return;
    frames.delete(entry.key);
    windows.clear(entry.key);
    release(entry, frame);
  };

  return {
    hold: (entry, frame) => {
      if (holdMs <= 0) return false;
      frames.set(entry.key, frame);
      windows.set(entry.key, holdMs, () => flush(entry));
      return true;
    },
    flush: (entry) => {
      if (frames.size > 0) flush(entry);
    },
    drop: (entry) => {
      if (!frames.delete(entry.key)) return;
      windows.clear(entry.key);
    },
    close: () => {
      frames.clear();
      windows.close();
    },
  };
};
