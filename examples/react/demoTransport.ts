import {
  createMemoryTransport,
  defineHandlers,
  type HandlerContext,
  type Transport,
} from "@taskbridge/core";

/** Waits, but stops at once when the request is cancelled. */
const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export type BuildPayload = { steps: number };

// The same handler objects a TypeScript worker serves from RabbitMQ.
export const createDemoTransport = ({ stepMs = 300 } = {}): Transport =>
  createMemoryTransport({
    handlers: defineHandlers({
      "build.run": async ({ steps }: BuildPayload, ctx: HandlerContext<string>) => {
        for (let k = 1; k <= steps; k++) {
          await wait(stepMs, ctx.signal);
          ctx.emit(`step ${k}: compiled module ${k}`);
          ctx.progress(k, steps, `compiling module ${k}`);
        }
        return { steps };
      },
      "report.generate": async ({ month }: { month: string }, ctx: HandlerContext) => {
        await wait(stepMs, ctx.signal);
        if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`no such month: ${month}`);
        return { url: `/reports/${month}.pdf` };
      },
    }),
  });
