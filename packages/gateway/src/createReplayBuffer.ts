import { seqSpan, type WireReplyFrame } from "@taskbridge/core/protocol";

/** What a `resume` can be given: the frames after `after`, or `dropped` when some are gone. */
export type ReplayOutcome =
  | { readonly kind: "frames"; readonly frames: readonly WireReplyFrame[] }
  | { readonly kind: "dropped" };

export type ReplayBufferOptions = {
  /** How many of the latest seqs are held (docs/protocol.md §2: at least 1,000 by default). */
  readonly limit: number;
  /** The seq of the first frame this buffer will hold (0, or `after + 1` for a re-attached request). */
  readonly firstSeq?: number;
};

export type ReplayBuffer = {
  /** Holds one frame (or `chunks` batch); it must start at the seq after the previous one's last. */
  readonly push: (frame: WireReplyFrame) => void;
  /**
   * The held frames with `seq > after`, in order (a batch that `after` falls inside comes as its
   * rest), or `dropped` when `after` is older than the oldest held.
   */
  readonly since: (after: number) => ReplayOutcome;
};

/**
 * A bounded buffer of a request's latest frames, so a reconnecting client can `resume` without a
 * gap or a repeat. It counts seqs, so a 1.1 `chunks` batch of n chunks counts n
 * (docs/protocol.md §14.2), and holds batches whole: at least the last `limit` seqs, and fewer
 * than `limit` + the oldest batch's size. The terminal frame is always the newest, so
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
  let frames: WireReplyFrame[] = [];
  let head = 0; // index of the oldest held frame in `frames`
  let headSeq = firstSeq; // seq of frames[head] (or of the next frame when empty)
  let held = 0; // seqs held, from headSeq on

  const push = (frame: WireReplyFrame): void => {
    frames.push(frame);
    held += seqSpan(frame);
    // Drop whole frames from the head while what stays still covers `max` seqs.
    for (;;) {
      const oldest = frames[head] as WireReplyFrame;
      const span = seqSpan(oldest);
      if (head === frames.length - 1 || held - span < max) break;
      head += 1;
      headSeq += span;
      held -= span;
    }
    if (head >= max) {
      frames = frames.slice(head);
      head = 0;
    }
  };

  /** The index of the held frame whose seqs include `seq` (headSeq ≤ seq < headSeq + held). */
  const indexOf = (seq: number): number => {
    let low = head;
    let high = frames.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((frames[middle] as WireReplyFrame).seq <= seq) low = middle;
      else high = middle - 1;
    }
    return low;
  };

  const since = (after: number): ReplayOutcome => {
    const first = after + 1;
    if (first < headSeq) return { kind: "dropped" };
    if (first >= headSeq + held) return { kind: "frames", frames: [] };
    const index = indexOf(first);
    const frame = frames[index] as WireReplyFrame;
    if (frame.kind !== "chunks" || frame.seq === first) {
      return { kind: "frames", frames: frames.slice(index) };
    }
    // `after` falls inside a batch: the rest of it, then what follows.
    const rest: WireReplyFrame = {
      id: frame.id,
      seq: first,
      kind: "chunks",
      data: frame.data.slice(first - frame.seq),
    };
    return { kind: "frames", frames: [rest, ...frames.slice(index + 1)] };
  };

  return { push, since };
};
