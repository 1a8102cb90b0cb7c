import {
  type ErrorBody,
  type Progress,
  type ReplyFrame,
  sanitizeErrorBody,
  seqSpan,
  type WireReplyFrame,
} from "@taskbridge/core/protocol";
import { createReplayBuffer, type ReplayBuffer, type ReplayOutcome } from "./createReplayBuffer.js";

export type RequestFramesOptions = {
  readonly id: string;
  /** The seq of the first frame: 0, or `after + 1` for a request re-attached after a restart. */
  readonly firstSeq?: number;
  /** True when no `accepted` frame is due (built-ins answer at once; re-attached requests had theirs). */
  readonly accepted?: boolean;
  /** Frames held for `resume` (at least the last this many). */
  readonly replayFrames: number;
  /** Called with each frame (or `chunks` batch) as soon as it is numbered. */
  readonly send: (frame: WireReplyFrame) => void;
  /** A plugin's reply hook: may change a frame or drop (`null`) a non-terminal one. */
  readonly transform?: (frame: ReplyFrame) => ReplyFrame | null;
};

export type RequestFrames = {
  /** Sends `accepted` (seq 0) unless it was sent already or the request has ended. */
  readonly accept: () => void;
  /**
   * Turns one worker reply (`x-kind`, `x-seq`, `x-attempt`, decoded body) into client frames:
   * `accepted` first if still due, `restart` when the attempt rises or `x-seq` starts again at 0,
   * then the frame itself. A `chunks` reply (body: its non-empty array of chunks) is its chunks
   * with consecutive seqs, numbered and held as one batch (docs/protocol.md §14.2). Returns true
   * when the request has just ended.
   */
  readonly fromWorker: (kind: unknown, xSeq: number, xAttempt: number, body: unknown) => boolean;
  /** Ends the request with an `error` frame; false (and nothing sent) when it had ended already. */
  readonly end: (error: ErrorBody) => boolean;
  /**
   * Ends the request with a terminal frame the caller numbered and sent itself (a `resume` that
   * cannot be served without a gap: `NOT_FOUND` at `after + 1`). From then on that frame is all
   * that is held, so no later `resume` can replay anything after it. False if it had ended already.
   */
  readonly endWith: (frame: ReplyFrame) => boolean;
  readonly since: (after: number) => ReplayOutcome;
  readonly isTerminal: () => boolean;
  /** True once `accepted` was sent (or was not due): the request reached its queue. */
  readonly isAccepted: () => boolean;
  /**
   * Once the request has ended: the same frames in a smaller object (what `resume` needs — the
   * held frames — and nothing of the numbering), for the gateway to keep while it retains the
   * request. Before the end it is these frames themselves.
   */
  readonly ended: () => RequestFrames;
};

const toProgress = (body: unknown): Progress | undefined => {
  if (typeof body !== "object" || body === null) return undefined;
  const { done, total, message } = body as Record<string, unknown>;
  if (typeof done !== "number" || !Number.isFinite(done)) return undefined;
  return {
    done,
    ...(typeof total === "number" && Number.isFinite(total) ? { total } : {}),
    ...(typeof message === "string" ? { message } : {}),
  };
};

const isTerminalKind = (kind: string): boolean => kind === "result" || kind === "error";

/** A buffer holding `frame` alone: all a request that ended with it has to replay. */
const holdingOnly = (frame: ReplyFrame): ReplayBuffer => {
  const buffer = createReplayBuffer({ limit: 1, firstSeq: frame.seq });
  buffer.push(frame);
  return buffer;
};

const nothing = (): void => {};
const no = (): false => false;
const yes = (): true => true;

/**
 * The frames of a request that has ended: its replay buffer and whether it was accepted. A
 * finished request is retained for a minute (docs/protocol.md §2.7), so many are held at once:
 * this keeps three closures each, where the live numbering keeps a dozen, plus its `send` and
 * `transform` hooks with what they capture.
 */
const endedFrames = (buffer: ReplayBuffer, accepted: boolean): RequestFrames => {
  let held = buffer;
  const frames: RequestFrames = {
    accept: nothing,
    fromWorker: no,
    end: no,
    endWith: (frame) => {
      held = holdingOnly(frame);
      return false;
    },
    since: (after) => held.since(after),
    isTerminal: yes,
    isAccepted: accepted ? yes : no,
    ended: () => frames,
  };
  return frames;
};

// The client frame of a worker reply, built in one object (this runs for every frame).
const toFrame = (
  id: string,
  seq: number,
  kind: "chunk" | "result" | "error" | "progress",
  body: unknown,
  progress: Progress | undefined,
): ReplyFrame => {
  switch (kind) {
    case "chunk":
      return { id, seq, kind, data: body };
    case "result":
      return { id, seq, kind, data: body };
    case "error":
      return { id, seq, kind, error: sanitizeErrorBody(body) };
    default:
      return { id, seq, kind, progress: progress ?? { done: 0 } };
  }
};

/**
 * The client-facing numbering of one request (docs/protocol.md §2): `seq` 0, 1, 2 … that never goes
 * back, `accepted` exactly once and first, `restart` frames when a worker starts over, exactly
 * one terminal frame, and the replay buffer behind `resume`. Pure apart from the `send` callback,
 * so the rules are tested without sockets or brokers.
 *
 * @example
 * const frames = createRequestFrames({ id: "r1", replayFrames: 1000, send: (f) => socket.emit("reply", f) });
 * frames.accept();                          // { id: "r1", seq: 0, kind: "accepted" }
 * frames.fromWorker("result", 0, 1, 42);    // { id: "r1", seq: 1, kind: "result", data: 42 }
 */
export const createRequestFrames = (options: RequestFramesOptions): RequestFrames => {
  const { id, send, transform } = options;
  let buffer = createReplayBuffer({ limit: options.replayFrames, firstSeq: options.firstSeq });
  let nextSeq = options.firstSeq ?? 0;
  let accepted = options.accepted ?? false;
  let terminal = false;
  let clientAttempt = 1;
  let workerAttempt = 0;
  let seenInAttempt = false;

  const push = (frame: WireReplyFrame): void => {
    nextSeq += seqSpan(frame);
    buffer.push(frame);
    send(frame);
  };

  /** A worker's batch: one frame when no hook looks at frames (the hot path), else chunk by chunk. */
  const pushChunks = (items: readonly unknown[]): void => {
    if (transform === undefined) {
      push({ id, seq: nextSeq, kind: "chunks", data: items });
      return;
    }
    // A reply hook sees each chunk as the frame it would be without batching; chunks it keeps
    // (or changes into other chunks) stay batched, anything else it makes goes on its own.
    let kept: unknown[] = [];
    const pushKept = () => {
      if (kept.length === 0) return;
      push({ id, seq: nextSeq, kind: "chunks", data: kept });
      kept = [];
    };
    for (const data of items) {
      const frame: ReplyFrame = { id, seq: nextSeq + kept.length, kind: "chunk", data };
      const shaped = transform(frame);
      if (shaped === null) continue;
      if (shaped.kind === "chunk") kept.push(shaped.data);
      else if (isTerminalKind(shaped.kind)) kept.push(data);
      else {
        pushKept();
        push({ ...shaped, id, seq: nextSeq });
      }
    }
    pushKept();
  };

  const accept = (): void => {
    if (accepted || terminal) return;
    accepted = true;
    push({ id, seq: nextSeq, kind: "accepted" });
  };

  const fromWorker = (kind: unknown, xSeq: number, xAttempt: number, body: unknown): boolean => {
    if (terminal) return false;
    if (xAttempt < workerAttempt) return false; // a straggler of an attempt already replaced
    let progress: Progress | undefined;
    if (kind === "progress") {
      progress = toProgress(body);
      if (progress === undefined) return false;
    } else if (kind === "chunks") {
      if (!Array.isArray(body) || body.length === 0) return false;
    } else if (kind !== "chunk" && kind !== "result" && kind !== "error") return false;
    accept();
    if (seenInAttempt && (xAttempt > workerAttempt || xSeq === 0)) {
      clientAttempt += 1;
      push({ id, seq: nextSeq, kind: "restart", attempt: clientAttempt });
    }
    workerAttempt = xAttempt;
    seenInAttempt = true;
    if (kind === "chunks") {
      pushChunks(body as readonly unknown[]);
      return false;
    }
    const isEnd = isTerminalKind(kind);
    let frame = toFrame(id, nextSeq, kind, body, progress);
    if (transform !== undefined) {
      const shaped = transform(frame);
      if (shaped === null) {
        if (!isEnd) return false;
      } else if (shaped !== frame && isEnd === isTerminalKind(shaped.kind)) {
        // A hook may change a frame, never its id, its place, or whether it ends the request.
        frame = { ...shaped, id, seq: frame.seq };
      }
    }
    if (isEnd) terminal = true;
    push(frame);
    return isEnd;
  };

  const end = (error: ErrorBody): boolean => {
    if (terminal) return false;
    terminal = true;
    push({ id, seq: nextSeq, kind: "error", error });
    return true;
  };

  const endWith = (frame: ReplyFrame): boolean => {
    const wasLive = !terminal;
    terminal = true;
    buffer = holdingOnly(frame);
    nextSeq = frame.seq + 1;
    return wasLive;
  };

  const frames: RequestFrames = {
    accept,
    fromWorker,
    end,
    endWith,
    since: (after) => buffer.since(after),
    isTerminal: () => terminal,
    isAccepted: () => accepted,
    ended: () => (terminal ? endedFrames(buffer, accepted) : frames),
  };
  return frames;
};
