import { z } from "zod";
import { type ErrorBody, errorBodySchema } from "./errors.js";
import { REQUEST_ID_PATTERN } from "./ids.js";

/** `progress` of a progress frame and of `ctx.progress(done, total?, message?)`. */
export type Progress = {
  readonly done: number;
  readonly total?: number;
  readonly message?: string;
};

/** The kinds of gateway → client `reply` frame (PROTOCOL.md §1). */
export type FrameKind = "accepted" | "chunk" | "progress" | "restart" | "result" | "error";

type FrameBase = { readonly id: string; readonly seq: number };

/** One gateway → client `reply` frame. `seq` counts 0, 1, 2 … per request and never goes back. */
export type ReplyFrame<TChunk = unknown, TResult = unknown> =
  | (FrameBase & { readonly kind: "accepted" })
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

/** True for `result` and `error`: after one of them nothing more is sent for the id. */
export const isTerminalFrame = <TChunk, TResult>(
  frame: Pick<ReplyFrame<TChunk, TResult>, "kind">,
): boolean => frame.kind === "result" || frame.kind === "error";

export const progressSchema = z.object({
  done: z.number().finite(),
  total: z.number().finite().optional(),
  message: z.string().optional(),
});

const frameBase = { id: z.string().regex(REQUEST_ID_PATTERN), seq: z.number().int().min(0) };

/** Runtime validation of a `reply` frame, for clients that do not trust their server. */
export const replyFrameSchema = z.discriminatedUnion("kind", [
  z.object({ ...frameBase, kind: z.literal("accepted") }),
  z.object({ ...frameBase, kind: z.literal("chunk"), data: z.unknown() }),
  z.object({ ...frameBase, kind: z.literal("progress"), progress: progressSchema }),
  z.object({ ...frameBase, kind: z.literal("restart"), attempt: z.number().int().min(1) }),
  z.object({ ...frameBase, kind: z.literal("result"), data: z.unknown() }),
  z.object({ ...frameBase, kind: z.literal("error"), error: errorBodySchema }),
]);

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

/** Client → gateway `resume` event: `after` is the last seq the client saw (-1: everything). */
export type ResumeEvent = {
  readonly id: string;
  readonly after: number;
  readonly timeoutMs?: number | null;
};

/** The Socket.IO event names of PROTOCOL.md §1. */
export const EVENTS = {
  request: "request",
  cancel: "cancel",
  resume: "resume",
  reply: "reply",
  protocolError: "protocol_error",
} as const;
