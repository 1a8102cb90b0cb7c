import { simulateWorkerCrash } from "@taskbridge/core";
import { createError, defineHandlers, type ErrorCode } from "@taskbridge/core/protocol";
import { delay } from "../../packages/core/src/protocol/delay.js";

export type StoryHandlersOptions = {
  /** Chunks per second of the paced handlers (`story.tail`, `story.crash-once`); 0: no pause. */
  readonly chunkRate?: number;
};

/** Resolves never; rejects with the abort reason when the request is cancelled or times out. */
const untilAborted = (signal: AbortSignal): Promise<never> =>
  new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

const pause = (chunkRate: number, signal: AbortSignal): Promise<void> =>
  chunkRate > 0 ? delay(1000 / chunkRate, signal) : Promise.resolve();

/**
 * Handlers that only stories need, beside the reference services, run by the memory transport
 * like any worker's:
 * - `story.hold` `{ lines?, progress? }`: sends those lines and that progress, then holds until
 *   cancelled or timed out, which freezes a request in `pending` (nothing sent) or `streaming`;
 * - `story.lines` `{ n }`: `n` log lines as fast as it can (the 50,000-line stream), with
 *   progress every 1,000 lines;
 * - `story.tail` `{ n }`: `n` lines with progress, paced at `chunkRate` per second;
 * - `story.crash-once` `{ n }`: like `story.tail`, but the worker dies halfway through attempt 1
 *   and the request restarts as attempt 2 from the start;
 * - `story.fail` `{ code, message }`: ends with that error, as a worker or gateway would.
 *
 * @example
 * createMemoryTransport({ handlers: { ...referenceHandlers, ...createStoryHandlers({ chunkRate: 20 }) } })
 */
export const createStoryHandlers = (options: StoryHandlersOptions = {}) => {
  const chunkRate = options.chunkRate ?? 0;
  return defineHandlers({
    "story.hold": async (
      payload: { lines?: number; progress?: { done: number; total?: number; message?: string } },
      ctx,
    ) => {
      for (let i = 1; i <= (payload?.lines ?? 0); i++) ctx.emit(`line ${i}`);
      if (payload?.progress) {
        const { done, total, message } = payload.progress;
        ctx.progress(done, total, message);
      }
      return untilAborted(ctx.signal);
    },
    "story.lines": (payload: { n: number }, ctx) => {
      for (let i = 1; i <= payload.n; i++) {
        ctx.emit(`line ${i}`);
        if (i % 1000 === 0 || i === payload.n) ctx.progress(i, payload.n);
      }
      return { lines: payload.n };
    },
    "story.tail": async (payload: { n: number }, ctx) => {
      for (let i = 1; i <= payload.n; i++) {
        await pause(chunkRate, ctx.signal);
        ctx.emit(`line ${i}`);
        ctx.progress(i, payload.n, `writing line ${i}`);
      }
      return { lines: payload.n };
    },
    "story.crash-once": async (payload: { n: number }, ctx) => {
      for (let i = 1; i <= payload.n; i++) {
        if (ctx.attempt === 1 && i > payload.n / 2) throw simulateWorkerCrash();
        await pause(chunkRate, ctx.signal);
        ctx.emit(`attempt ${ctx.attempt}: line ${i}`);
        ctx.progress(i, payload.n);
      }
      return { lines: payload.n, attempt: ctx.attempt };
    },
    "story.fail": (payload: { code: ErrorCode; message: string }) => {
      throw createError(payload.code, payload.message);
    },
  });
};
