// Example handlers for docs/workers.md: one of each shape a taskbridge handler can take.
import { createError, defineHandlers, type HandlerContext } from "@taskbridge/worker";

/** Waits `ms`, or rejects at once when the request is cancelled (the signal's reason). */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
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

export type Section = { readonly title: string; readonly words: number };

/**
 * The example services: `math.sum` (a plain result, `BAD_REQUEST` on bad input),
 * `report.generate` (an async generator: each yielded item is a chunk, then a `null` result) and
 * `files.scan` (chunks and progress through `ctx`, stops at once when cancelled).
 */
export const reportHandlers = defineHandlers({
  "math.sum": ({ numbers }: { numbers: unknown }) => {
    if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === "number")) {
      throw createError("BAD_REQUEST", "math.sum needs { numbers: number[] }");
    }
    return { sum: numbers.reduce((total: number, n: number) => total + n, 0) };
  },

  "report.generate": async function* (
    { titles }: { titles: string[] },
    ctx: HandlerContext<Section>,
  ) {
    for (const title of titles) {
      await pause(5, ctx.signal);
      yield { title, words: title.length * 100 };
    }
  },

  "files.scan": async ({ files, msPerFile = 5 }: { files: string[]; msPerFile?: number }, ctx) => {
    let infected = 0;
    for (const [index, file] of files.entries()) {
      await pause(msPerFile, ctx.signal); // rejects when cancelled: the handler stops here
      if (file.endsWith(".exe")) {
        infected += 1;
        ctx.emit({ file, infected: true });
      }
      ctx.progress(index + 1, files.length, file);
    }
    return { scanned: files.length, infected, attempt: ctx.attempt };
  },
});
