import {
  type ErrorBody,
  type HandlerContext,
  type Handlers,
  isAsyncIterable,
  isGenerator,
  toErrorBody,
} from "../protocol/index.js";
import { isWorkerCrash } from "./simulateWorkerCrash.js";

/** How one run of a handler ended. `crash`: it threw `simulateWorkerCrash()`. */
export type HandlerOutcome =
  | { readonly kind: "result"; readonly data: unknown }
  | { readonly kind: "error"; readonly error: ErrorBody }
  | { readonly kind: "crash" };

/** A generator's items one by one, as `for await` walks them (the worker SDK's loop). */
async function* walk(generator: Generator<unknown, unknown, undefined>): AsyncGenerator<unknown> {
  yield* generator;
}

/**
 * Runs one handler the way every taskbridge worker does (protocol/handler.ts): a plain or
 * promised return is the result; an async iterable (returned, or an async generator handler)
 * or a generator object (a `function*` handler, or one returned) streams its items through
 * `ctx.emit` and ends with a `null` result — arrays and other iterables are results; a throw becomes an error
 * body — `WORKER_ERROR` with the thrown message and never a stack, while a thrown error body with
 * another code passes through. Iteration stops as soon as `ctx.signal` is aborted, and the
 * iterator is told to `return` so its `finally` blocks run.
 */
export const runHandler = async (
  handler: Handlers[string],
  payload: unknown,
  ctx: HandlerContext,
): Promise<HandlerOutcome> => {
  try {
    const returned: unknown = await handler(payload, ctx);
    if (!isAsyncIterable(returned) && !isGenerator(returned)) {
      return { kind: "result", data: returned };
    }
    const iterable = isGenerator(returned) ? walk(returned) : returned;
    const iterator = iterable[Symbol.asyncIterator]();
    let finished = false;
    try {
      while (!ctx.signal.aborted) {
        const step = await iterator.next();
        if (step.done) {
          finished = true;
          break;
        }
        ctx.emit(step.value);
      }
    } finally {
      if (!finished && iterator.return) {
        // Do not wait: a generator stuck in an un-abortable await must not hold the request.
        Promise.resolve(iterator.return()).catch(() => {});
      }
    }
    return { kind: "result", data: null };
  } catch (thrown) {
    if (isWorkerCrash(thrown)) return { kind: "crash" };
    return { kind: "error", error: toErrorBody(thrown, "WORKER_ERROR") };
  }
};
