import { delay } from "../protocol/delay.js";
import { createError, defineHandlers, type Handler } from "../protocol/index.js";

type CountPayload = { n: number; delayMs?: number };
type ProgressPayload = { steps: number; delayMs: number };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

const isDelay = (value: unknown): boolean =>
  value === undefined || (typeof value === "number" && Number.isFinite(value) && value >= 0);

const echo: Handler<unknown, never, unknown> = (payload) => payload;

const count: Handler<CountPayload, { i: number }, { count: number }> = async (payload, ctx) => {
  if (!isObject(payload) || !isCount(payload.n) || !isDelay(payload.delayMs)) {
    throw createError("BAD_REQUEST", "demo.count needs { n: integer ≥ 0, delayMs?: number ≥ 0 }");
  }
  const delayMs = payload.delayMs ?? 0;
  for (let i = 0; i < payload.n; i++) {
    if (delayMs > 0) await delay(delayMs, ctx.signal);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    ctx.emit({ i });
  }
  return { count: payload.n };
};

const progress: Handler<ProgressPayload, never, { done: number }> = async (payload, ctx) => {
  if (!isObject(payload) || !isCount(payload.steps) || !isDelay(payload.delayMs)) {
    throw createError(
      "BAD_REQUEST",
      "demo.progress needs { steps: integer ≥ 0, delayMs: number ≥ 0 }",
    );
  }
  for (let k = 1; k <= payload.steps; k++) {
    if (payload.delayMs > 0) await delay(payload.delayMs, ctx.signal);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    ctx.progress(k, payload.steps);
  }
  return { done: payload.steps };
};

// The deliberate failure: an error body (`WORKER_ERROR`, as a thrown `Error` would give), so the
// worker logs it as an answer, without the stack trace it keeps for real crashes.
const fail: Handler<{ message: string }, never, never> = (payload) => {
  const message = isObject(payload) && typeof payload.message === "string" ? payload.message : "";
  throw createError("WORKER_ERROR", message || "demo.fail failed");
};

/**
 * The reference services of docs/protocol.md §8 as handler objects: `demo.echo`, `demo.count`,
 * `demo.progress` and `demo.fail`. The TypeScript worker serves them from RabbitMQ, the memory
 * transport runs them in-process, and the transport contract suite checks every transport
 * through them. Waits honour `ctx.signal`, so a cancelled request stops at once.
 *
 * @example
 * const transport = createMemoryTransport({ handlers: referenceHandlers });
 */
export const referenceHandlers = defineHandlers({
  "demo.echo": echo,
  "demo.count": count,
  "demo.progress": progress,
  "demo.fail": fail,
});
