import { type ErrorBody, toErrorBody } from "./errors.js";
import { type HandlerContext, type Handlers, isAsyncIterable, isGenerator } from "./handler.js";

/**
 * How one run of a handler ended (the Python SDK's `HandlerOutcome`, same kinds). `error` keeps
 * the thrown value beside its error body, so a caller can tell an answer the handler chose (a
 * thrown error body) from a failure worth a stack trace, or spot `simulateWorkerCrash()`.
 * `cancelled`: `ctx.signal` was aborted before the handler ended, whatever it returned or threw.
 */
export type HandlerOutcome =
  | { readonly kind: "result"; readonly data: unknown }
  | { readonly kind: "error"; readonly error: ErrorBody; readonly thrown: unknown }
  | { readonly kind: "cancelled" };

export type RunHandlerOptions = {
  /**
   * Awaited after each streamed item, before the next one is pulled: back-pressure on `emit`
   * (Python's `wait_writable`). The worker SDK waits here while too many replies are
   * unconfirmed. Return `undefined` to go on at once. Default: the next item is pulled at once.
   */
  readonly waitWritable?: () => Promise<void> | undefined;
};

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { then?: unknown }).then === "function";

/**
 * Runs one handler the way every taskbridge runtime does — the worker SDK behind RabbitMQ and
 * the memory transport in-process — with the semantics of the Python SDK's `execute`: a plain or
 * promised return is the result; an async iterable (returned, or an async generator handler) or
 * a generator object (a `function*` handler, or one returned) streams its items through
 * `ctx.emit` and ends with a `null` result (a generator's own return value is ignored); arrays
 * and other iterables are results. A throw becomes an `error` outcome: `WORKER_ERROR` with the
 * thrown message and never a stack, while a thrown error body with another code passes through.
 * No item is pulled once `ctx.signal` is aborted, and the iterator is closed (`return()`, awaited,
 * so its `finally` blocks have run when this resolves). Once the signal is aborted the outcome is
 * `cancelled`: the caller has answered already, or hands the request back.
 *
 * @example
 * const outcome = await runHandler(handlers["demo.count"], { n: 3 }, ctx, {
 *   waitWritable: () => (replies.pending() > 256 ? replies.drain() : undefined),
 * });
 */
export const runHandler = async (
  handler: Handlers[string],
  payload: unknown,
  ctx: HandlerContext,
  { waitWritable }: RunHandlerOptions = {},
): Promise<HandlerOutcome> => {
  const { signal } = ctx;
  try {
    let returned: unknown = handler(payload, ctx);
    if (isThenable(returned)) returned = await returned;
    if (!isAsyncIterable(returned) && !isGenerator(returned)) {
      return signal.aborted ? { kind: "cancelled" } : { kind: "result", data: returned };
    }
    if (!signal.aborted) {
      // `for await` closes the iterator on `break` and on a throw, and waits for it.
      for await (const item of returned) {
        if (signal.aborted) break;
        ctx.emit(item);
        const writable = waitWritable?.();
        if (writable !== undefined) await writable;
        if (signal.aborted) break;
      }
    }
    return signal.aborted ? { kind: "cancelled" } : { kind: "result", data: null };
  } catch (thrown) {
    if (signal.aborted) return { kind: "cancelled" };
    return { kind: "error", error: toErrorBody(thrown, "WORKER_ERROR"), thrown };
  }
};
