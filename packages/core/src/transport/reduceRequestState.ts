import type { ReplyFrame } from "../protocol/index.js";
import { placeFrame } from "./placeFrame.js";
import type { RequestState } from "./requestState.js";

/** The state of a request store before anything was sent (and after `reset`). */
export const initialRequestState: RequestState<never, never> = Object.freeze({
  status: "idle",
  id: undefined,
  data: undefined,
  chunks: Object.freeze([]) as readonly never[],
  progress: undefined,
  error: undefined,
  attempt: 1,
  accepted: false,
  lastSeq: -1,
  startedAt: undefined,
  finishedAt: undefined,
});

/**
 * The state of a request just sent with id `id` at epoch ms `now`: `pending`, nothing received.
 * Frames of that id then move it on through `reduceRequestState`.
 */
export const startRequestState = <TChunk = unknown, TResult = unknown>(
  id: string,
  now: number,
): RequestState<TChunk, TResult> => ({
  ...initialRequestState,
  status: "pending",
  id,
  startedAt: now,
});

const isFinished = (state: RequestState<unknown, unknown>): boolean =>
  state.status === "success" || state.status === "error";

/**
 * The request state machine: a pure function from a state and a batch of `reply` frames to the
 * next state. It takes a batch so a burst of chunks copies the chunk array once, not once per
 * chunk. Frames of another id, frames whose `seq` is not above `lastSeq` (duplicates, replays
 * after a resume) and anything after the terminal frame are ignored (the rule of `placeFrame`,
 * which `openRequest` and the Socket.IO transport follow too); `restart` drops the partial
 * chunks and progress of the failed attempt. Returns the very same object when nothing changed,
 * so a `useSyncExternalStore` snapshot stays stable.
 *
 * @example
 * let state = startRequestState("r1", Date.now());
 * state = reduceRequestState(state, [{ id: "r1", seq: 0, kind: "accepted" },
 *   { id: "r1", seq: 1, kind: "chunk", data: "a" }], Date.now());
 * state.status; // "streaming", state.chunks: ["a"]
 */
export function reduceRequestState<TChunk, TResult>(
  state: RequestState<TChunk, TResult>,
  frames: readonly ReplyFrame<TChunk, TResult>[],
  now: number,
): RequestState<TChunk, TResult> {
  if (state.id === undefined || isFinished(state)) return state;
  let next = state;
  // A private copy of the chunk array, made at most once per batch and only when needed.
  let chunks: TChunk[] | undefined;
  for (const frame of frames) {
    const position = { id: state.id, lastSeq: next.lastSeq, finished: isFinished(next) };
    if (placeFrame(position, frame) === "stale") continue;
    const seq = frame.seq;
    switch (frame.kind) {
      case "accepted":
        next = { ...next, accepted: true, lastSeq: seq };
        break;
      case "chunk":
        if (chunks === undefined) chunks = next.chunks.slice();
        chunks.push(frame.data);
        next = { ...next, status: "streaming", chunks, accepted: true, lastSeq: seq };
        break;
      case "progress":
        next = {
          ...next,
          status: "streaming",
          progress: frame.progress,
          accepted: true,
          lastSeq: seq,
        };
        break;
      case "restart":
        chunks = [];
        next = {
          ...next,
          status: "pending",
          chunks,
          progress: undefined,
          attempt: frame.attempt,
          accepted: true,
          lastSeq: seq,
        };
        break;
      case "result":
        next = { ...next, status: "success", data: frame.data, lastSeq: seq, finishedAt: now };
        break;
      case "error":
        next = { ...next, status: "error", error: frame.error, lastSeq: seq, finishedAt: now };
        break;
    }
  }
  return next;
}
