import type { Progress } from "./frames.js";
import type { HandlerContext } from "./handler.js";

/** What a handler's `emit` and `progress` calls become: the body of a `chunk` or `progress` frame. */
export type HandlerUpdate =
  | { readonly kind: "chunk"; readonly data: unknown }
  | { readonly kind: "progress"; readonly progress: Progress };

/** The fields of a `HandlerContext` besides `emit` and `progress`. */
export type HandlerContextFields = Omit<HandlerContext, "emit" | "progress">;

/**
 * Builds the `ctx` a handler gets, the same object in every runtime (protocol/handler.ts):
 * `emit(chunk)` and `progress(done, total?, message?)` become one `HandlerUpdate` each, passed to
 * `send` in call order — the memory transport numbers them as frames, the worker SDK publishes
 * them as replies. A progress body carries only the fields given (`{ done }`, `{ done, total }`…).
 *
 * @example
 * const ctx = createHandlerContext({ id, type, attempt: 1, signal, deadline, principal: "anon" },
 *   (update) => replies.send(update.kind, JSON.stringify(update.kind === "chunk" ? update.data : update.progress)));
 */
export const createHandlerContext = (
  fields: HandlerContextFields,
  send: (update: HandlerUpdate) => void,
): HandlerContext => ({
  ...fields,
  emit: (data) => send({ kind: "chunk", data }),
  progress: (done, total, message) =>
    send({
      kind: "progress",
      progress: {
        done,
        ...(total === undefined ? {} : { total }),
        ...(message === undefined ? {} : { message }),
      },
    }),
});
