import type { ReplyFrame } from "../protocol/index.js";

/** How far one request's frames have gone: all the client's ordering rule looks at. */
export type FramePosition = {
  /** The request's id; a frame of another id is `stale`. */
  readonly id: string | undefined;
  /** The seq of the last frame taken; -1 before any. */
  readonly lastSeq: number;
  /** True once the terminal frame was taken: nothing after it counts. */
  readonly finished: boolean;
};

/**
 * Where a frame falls: `next`, the very next one (`lastSeq + 1`); `ahead`, above the last one
 * taken with frames missing in between; `stale`, a repeat or replay (`seq` not above `lastSeq`),
 * another request's, or after the terminal frame.
 */
export type FramePlace = "next" | "ahead" | "stale";

/**
 * The client's one ordering rule for `reply` frames (docs/protocol.md §2): a request takes a frame
 * only if it is its own, numbered above the last one taken, and no terminal frame was taken
 * before it. `reduceRequestState` and `openRequest` take `next` and `ahead` frames and drop
 * `stale` ones; the Socket.IO transport, which sees the wire, answers `ahead` with a `resume`
 * so the missing frames come first.
 *
 * @example
 * placeFrame({ id: "r1", lastSeq: 2, finished: false }, { id: "r1", seq: 2 }); // "stale"
 * placeFrame({ id: "r1", lastSeq: 2, finished: false }, { id: "r1", seq: 4 }); // "ahead"
 */
export const placeFrame = (
  position: FramePosition,
  frame: Pick<ReplyFrame, "id" | "seq">,
): FramePlace => {
  if (position.finished || frame.id !== position.id || frame.seq <= position.lastSeq) {
    return "stale";
  }
  return frame.seq === position.lastSeq + 1 ? "next" : "ahead";
};
