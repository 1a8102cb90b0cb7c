import type { ReplyFrame, TerminalFrame } from "@taskbridge/core/protocol";

/** How one client's `demo.count` request ended, as the scale-out scenario counts it. */
export type StreamOutcome =
  /** `result { count: n }` after chunks 0 … n−1, in order, once each. */
  | "completed"
  /** The same, after one or more `restart` frames (a worker attempt was lost, docs/protocol.md §4). */
  | "restarted"
  /** An `error` frame with `retryable: true`: the protocol's way to say "try again". */
  | "retryable-error"
  /** Anything else that ended it: a non-retryable error (NOT_FOUND, INTERNAL …) or a wrong result. */
  | "lost"
  /** No terminal frame by the time the scenario stopped waiting, or only its deadline's `TIMEOUT`. */
  | "hung";

/** The verdict on one client's frames; see `judgeStream`. */
export type StreamVerdict = {
  readonly outcome: StreamOutcome;
  /** Terminal frames the client saw (the protocol allows exactly one). */
  readonly terminals: number;
  /** In the final attempt, a chunk the client already had came again. */
  readonly duplicated: boolean;
  /** In the final attempt, a chunk came before one that should precede it (or instead of it). */
  readonly outOfOrder: boolean;
  /**
   * An attempt that a `restart` then replaced had a repeated or skipped chunk: the client threw
   * those chunks away (docs/protocol.md §4), but the gateway should never have sent them so.
   */
  readonly oddBeforeRestart: boolean;
  /** Chunks the final attempt never delivered before its terminal frame (0 when it completed). */
  readonly missing: number;
  /** `restart` frames seen. */
  readonly restarts: number;
  /** The terminal error's code, when it ended with one. */
  readonly errorCode?: string;
};

/** The index a `demo.count` chunk carries (`{ i }`), or undefined for anything else. */
const chunkIndex = (data: unknown): number | undefined => {
  if (typeof data !== "object" || data === null) return undefined;
  const i = (data as { readonly i?: unknown }).i;
  return typeof i === "number" && Number.isInteger(i) ? i : undefined;
};

/**
 * Judges the frames one client received for a `demo.count { n }` request (what the transport
 * handed to its listener, batches already expanded): chunks `{ i }` must come 0 … n−1, each once
 * and in order, within the final attempt (a `restart` starts the count again; oddities of the
 * attempts it replaced are reported apart, as `oddBeforeRestart`), and the request must end
 * with exactly one terminal frame, a `result { count: n }` or a retryable `error`. Anything that
 * ends otherwise is `lost`; no terminal frame, or the deadline's `TIMEOUT`, is `hung`.
 *
 * @example
 * judgeStream(frames, 30).outcome // "completed"
 */
export const judgeStream = (frames: readonly ReplyFrame[], n: number): StreamVerdict => {
  let next = 0;
  let seen = new Set<number>();
  let duplicated = false;
  let outOfOrder = false;
  let oddBeforeRestart = false;
  let restarts = 0;
  let terminals = 0;
  let terminal: TerminalFrame | undefined;
  for (const frame of frames) {
    if (frame.kind === "restart") {
      if (duplicated || outOfOrder) oddBeforeRestart = true;
      duplicated = false;
      outOfOrder = false;
      restarts++;
      next = 0;
      seen = new Set();
    } else if (frame.kind === "chunk") {
      const i = chunkIndex(frame.data);
      if (i === undefined) continue;
      if (seen.has(i)) duplicated = true;
      else if (i !== next) outOfOrder = true;
      seen.add(i);
      while (seen.has(next)) next++;
    } else if (frame.kind === "result" || frame.kind === "error") {
      terminals++;
      terminal ??= frame;
    }
  }
  const missing = Math.max(0, n - seen.size);
  const base = { terminals, duplicated, outOfOrder, oddBeforeRestart, restarts };
  if (terminal === undefined) return { ...base, outcome: "hung", missing };
  if (terminal.kind === "error") {
    const errorCode = terminal.error.code;
    // A request ended by its deadline waited it out in silence: hung, however retryable.
    const outcome =
      errorCode === "TIMEOUT"
        ? "hung"
        : terminal.error.retryable === true
          ? "retryable-error"
          : "lost";
    return { ...base, outcome, missing, errorCode };
  }
  const result = terminal.data as { readonly count?: unknown } | null | undefined;
  const count = typeof result === "object" && result !== null ? result.count : undefined;
  const whole = missing === 0 && seen.size === n && count === n;
  if (!whole) return { ...base, outcome: "lost", missing };
  return { ...base, outcome: restarts > 0 ? "restarted" : "completed", missing };
};
