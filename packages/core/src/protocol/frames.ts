// zod/mini for the same reason as errors.ts; browsers check frames with parseReplyFrame below.
import { createError, type ErrorBody, isErrorBody } from "./errors.js";
import { isGatewayId, REQUEST_ID_PATTERN } from "./ids.js";

/** `progress` of a progress frame and of `ctx.progress(done, total?, message?)`. */
export type Progress = {
  readonly done: number;
  readonly total?: number;
  readonly message?: string;
};

/** The kinds of gateway → client `reply` frame (docs/protocol.md §2). */
export type FrameKind = "accepted" | "chunk" | "progress" | "restart" | "result" | "error";

type FrameBase = { readonly id: string; readonly seq: number };

/** One gateway → client `reply` frame. `seq` counts 0, 1, 2 … per request and never goes back. */
export type ReplyFrame<TChunk = unknown, TResult = unknown> =
  | (FrameBase & {
      readonly kind: "accepted";
      /**
       * Protocol 1.1 with reply streams (docs/protocol.md §14.3): the gateway whose reply stream
       * holds the request's replies, and when it received the request (epoch ms). A client sends
       * both back in `resume`, so that any gateway can take the request over.
       */
      readonly gateway?: string;
      readonly at?: number;
    })
  | (FrameBase & { readonly kind: "chunk"; readonly data: TChunk })
  | (FrameBase & { readonly kind: "progress"; readonly progress: Progress })
  | (FrameBase & { readonly kind: "restart"; readonly attempt: number })
  | (FrameBase & { readonly kind: "result"; readonly data: TResult })
  | (FrameBase & { readonly kind: "error"; readonly error: ErrorBody });

export type TerminalFrame<TResult = unknown> = Extract<
  ReplyFrame<unknown, TResult>,
  { kind: "result" | "error" }
>;

/** A frame without its `id` and `seq`, as a producer (worker, memory transport) makes it. */
export type FrameBody<TChunk = unknown, TResult = unknown> =
  ReplyFrame<TChunk, TResult> extends infer F
    ? F extends ReplyFrame<TChunk, TResult>
      ? Omit<F, "id" | "seq">
      : never
    : never;

/**
 * A batch of consecutive chunks in one `reply` event, sent only to a client that asked for
 * protocol 1.1 (docs/protocol.md §14.2): its items occupy `seq`, `seq + 1` … `seq + n − 1`. The
 * Socket.IO transport expands it into `chunk` frames (`forEachReplyFrame`) before any listener
 * sees it, so apps never meet this kind.
 */
export type ChunksFrame<TChunk = unknown> = FrameBase & {
  readonly kind: "chunks";
  readonly data: readonly TChunk[];
};

/** What a `reply` event may carry on the wire: a frame, or (protocol 1.1) a batch of chunks. */
export type WireReplyFrame<TChunk = unknown, TResult = unknown> =
  | ReplyFrame<TChunk, TResult>
  | ChunksFrame<TChunk>;

/** How many seqs a wire frame occupies: its item count for a `chunks` batch, else 1. */
export const seqSpan = (frame: WireReplyFrame): number =>
  frame.kind === "chunks" ? frame.data.length : 1;

/**
 * Calls `visit` with every frame a wire frame stands for, in order: a `chunks` batch as its `chunk`
 * frames (seq, seq + 1, …), any other frame as itself. The one expansion of batches, shared by
 * the Socket.IO transport, the memory transport and the gateway (for a v1 socket).
 *
 * @example
 * forEachReplyFrame({ id: "r1", seq: 5, kind: "chunks", data: ["a", "b"] }, listener);
 * // listener({ id: "r1", seq: 5, kind: "chunk", data: "a" }), then seq 6 with "b"
 */
export const forEachReplyFrame = <TChunk, TResult>(
  frame: WireReplyFrame<TChunk, TResult>,
  visit: (frame: ReplyFrame<TChunk, TResult>) => void,
): void => {
  if (frame.kind !== "chunks") {
    visit(frame);
    return;
  }
  const { id, seq, data } = frame;
  for (let index = 0; index < data.length; index += 1) {
    visit({ id, seq: seq + index, kind: "chunk", data: data[index] as TChunk });
  }
};

/** True for `result` and `error`: after one of them nothing more is sent for the id. */
export const isTerminalFrame = <TChunk, TResult>(
  frame: Pick<ReplyFrame<TChunk, TResult>, "kind">,
): boolean => frame.kind === "result" || frame.kind === "error";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

const isIntAtLeast = (value: unknown, min: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min;

const parseProgress = (value: unknown): Progress | undefined => {
  if (!isRecord(value)) return undefined;
  const { done, total, message } = value;
  if (!isFiniteNumber(done)) return undefined;
  if (total !== undefined && !isFiniteNumber(total)) return undefined;
  if (message !== undefined && typeof message !== "string") return undefined;
  return {
    done,
    ...(total === undefined ? {} : { total }),
    ...(message === undefined ? {} : { message }),
  };
};

/**
 * Checks a `reply` frame from an untrusted server: the frame with only its kind's fields, or
 * `undefined` when it is malformed. Accepts exactly what `replyFrameSchema` accepts (frames.test.ts
 * holds the two together), written out by hand because the Socket.IO transport runs it in every
 * browser app, which then bundles no zod.
 *
 * @example
 * parseReplyFrame({ id: "r1", seq: 0, kind: "accepted", extra: 1 }) // { id: "r1", seq: 0, kind: "accepted" }
 */
export const parseReplyFrame = (value: unknown): ReplyFrame | undefined => {
  if (!isRecord(value)) return undefined;
  const { id, seq, kind } = value;
  if (typeof id !== "string" || !REQUEST_ID_PATTERN.test(id) || !isIntAtLeast(seq, 0)) {
    return undefined;
  }
  switch (kind) {
    case "accepted": {
      const { gateway, at } = value;
      if (gateway !== undefined && !isGatewayId(gateway)) return undefined;
      if (at !== undefined && !isIntAtLeast(at, 0)) return undefined;
      return {
        id,
        seq,
        kind,
        ...(gateway === undefined ? {} : { gateway }),
        ...(at === undefined ? {} : { at }),
      };
    }
    case "chunk":
    case "result":
      // As zod has it: `data` may be anything, undefined included, but must be there.
      return "data" in value ? { id, seq, kind, data: value.data } : undefined;
    case "progress": {
      const progress = parseProgress(value.progress);
      return progress === undefined ? undefined : { id, seq, kind, progress };
    }
    case "restart":
      return isIntAtLeast(value.attempt, 1) ? { id, seq, kind, attempt: value.attempt } : undefined;
    case "error": {
      const error = value.error;
      if (!isErrorBody(error)) return undefined;
      const { details, retryable } = error;
      return {
        id,
        seq,
        kind,
        error: createError(error.code, error.message, { details, retryable }),
      };
    }
    default:
      return undefined;
  }
};

/**
 * `parseReplyFrame`, plus the `chunks` batches of protocol 1.1 (docs/protocol.md §14.2): an array
 * `data` of at least one item. Accepts exactly what `wireReplyFrameSchema` accepts.
 *
 * @example
 * parseWireFrame({ id: "r1", seq: 5, kind: "chunks", data: [1, 2] }) // the same batch
 * parseWireFrame({ id: "r1", seq: 5, kind: "chunks", data: [] })     // undefined
 */
export const parseWireFrame = (value: unknown): WireReplyFrame | undefined => {
  if (!isRecord(value) || value.kind !== "chunks") return parseReplyFrame(value);
  const { id, seq, data } = value;
  if (typeof id !== "string" || !REQUEST_ID_PATTERN.test(id) || !isIntAtLeast(seq, 0)) {
    return undefined;
  }
  return Array.isArray(data) && data.length > 0 ? { id, seq, kind: "chunks", data } : undefined;
};

/** Client → gateway `request` event. */
export type RequestEvent = {
  readonly v: 1;
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  readonly timeoutMs?: number | null;
};

/** Client → gateway `cancel` event. */
export type CancelEvent = { readonly id: string };

/**
 * Client → gateway `resume` event: `after` is the last seq the client saw (-1: everything). A 1.1
 * client adds the `gateway` and `at` of the request's `accepted` frame (docs/protocol.md §14.3).
 */
export type ResumeEvent = {
  readonly id: string;
  readonly after: number;
  readonly timeoutMs?: number | null;
  readonly gateway?: string;
  readonly at?: number;
};

/** The Socket.IO event names of docs/protocol.md §2. */
export const EVENTS = {
  request: "request",
  cancel: "cancel",
  resume: "resume",
  reply: "reply",
  protocolError: "protocol_error",
} as const;
