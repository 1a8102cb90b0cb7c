import type { ReplyFrame } from "@taskbridge/core/protocol";

/** What a `resume` can be given: the frames after `after`, or `dropped` when some are gone. */
export type ReplayOutcome =
  | { readonly kind: "frames"; readonly frames: readonly ReplyFrame[] }
  | { readonly kind: "dropped" };

export type ReplayBufferOptions = {
  /** How many of the latest frames are held (docs/protocol.md §2: at least 1,000 by default). */
  readonly limit: number;
  /** The seq of the first frame this buffer will hold (0, or `after + 1` for a re-attached request). */
  readonly firstSeq?: number;
};

export type ReplayBuffer = {
  /** Holds one frame; its `seq` must be one more than the previous frame's. */
  readonly push: (frame: ReplyFrame) => void;
  /** The held frames with `seq > after`, in order, or `dropped` when `after` is older than the oldest held. */
  readonly since: (after: number) => ReplayOutcome;
};

/**
 * A bounded buffer of a request's latest frames, so a reconnecting client can `resume` without a
 * gap or a repeat. It holds the last `limit` frames; the terminal frame is always the newest, so
 * "everything from the terminal on" is held too. Trimming is amortised: the array is compacted
 * only when the dropped prefix is as long as the limit, so a push stays O(1).
 *
 * @example
 * const buffer = createReplayBuffer({ limit: 1000 });
 * buffer.push(frame);
 * const outcome = buffer.since(lastSeenSeq); // { kind: "frames", frames } | { kind: "dropped" }
 */
export const createReplayBuffer = ({ limit, firstSeq = 0 }: ReplayBufferOptions): ReplayBuffer => {
  const max = Math.max(1, limit);
  let frames: ReplyFrame[] = [];
  let head = 0; // index of the oldest held frame in `frames`
  let headSeq = firstSeq; // seq of frames[head] (or of the next frame when empty)

  const push = (frame: ReplyFrame): void => {
    frames.push(frame);
    if (frames.length - head > max) {
      head += 1;
      headSeq += 1;
      if (head >= max) {
        frames = frames.slice(head);
        head = 0;
      }
    }
  };

  const since = (after: number): ReplayOutcome => {
    if (after + 1 < headSeq) return { kind: "dropped" };
    const start = head + (after + 1 - headSeq);
    return { kind: "frames", frames: start >= frames.length ? [] : frames.slice(start) };
  };

  return { push, since };
};
