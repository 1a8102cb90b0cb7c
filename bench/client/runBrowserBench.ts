import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/chromium.js";
import { viteAliases } from "../../scripts/workspaceAliases.js";
import type { PageMeasurement } from "./page.js";

/** One stream into StreamingLog in Chromium, plus the main-thread time CDP counted for it. */
export type BrowserStream = PageMeasurement & {
  /** Main-thread busy time during the stream (CDP `Performance.getMetrics` TaskDuration). */
  readonly mainThreadMilliseconds: number;
  /** No frame gap and no click delay over 200 ms, and the last line shows the last chunk. */
  readonly responsive: boolean;
  readonly complete: boolean;
};

/** What the Chromium benchmark of `StreamingLog` reports (or why it was skipped). */
export type BrowserResult = {
  readonly chunks: number;
  readonly chromium?: string;
  readonly streams?: readonly BrowserStream[];
  readonly skipped?: string;
};

const RESPONSIVE_MS = 200;

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
};

const serve = (dir: string): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((request, response) => {
      const path = normalize(join(dir, (request.url ?? "/").split("?")[0] ?? "/"));
      const file = path.endsWith("/") ? join(path, "index.html") : path;
      if (!file.startsWith(dir) || !existsSync(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      });
      response.end(readFileSync(file));
    });
    server.listen(0, "127.0.0.1", () => resolve(server));
  });

/**
 * Builds `bench/client/` with Vite, opens it in Debian's Chromium (playwright-core, headless, a
 * fresh profile) and streams `chunks` chunks into `StreamingLog` twice — the reference
 * `demo.count` in one burst, and paced as from a socket — while clicking a probe button every
 * 100 ms: reports React commits and render time, long tasks, main-thread time, the longest frame
 * gap and click delay, and whether the log ended on the last chunk. Skipped (with the reason)
 * where Chromium is missing.
 */
export const runBrowserBench = async (options: {
  readonly root: string;
  readonly chunks: number;
  readonly log: (line: string) => void;
  readonly executablePath?: string;
}): Promise<BrowserResult> => {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    return { chunks: options.chunks, skipped: `${executablePath} not found` };
  }
  const { build } = await import("vite");
  const { chromium } = await import("playwright-core");
  const outDir = mkdtempSync(join(tmpdir(), "taskbridge-bench-client-"));
  const profile = mkdtempSync(join(tmpdir(), "taskbridge-bench-chromium-"));
  let server: Server | undefined;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    await build({
      root: join(options.root, "bench", "client"),
      configFile: false,
      logLevel: "warn",
      base: "./",
      // The production build of React with the Profiler on, so commits can be counted.
      resolve: {
        alias: [
          { find: /^react-dom\/client$/, replacement: "react-dom/profiling" },
          ...viteAliases,
        ],
      },
      build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2048 },
    });
    server = await serve(outDir);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // A persistent context on a fresh, temporary profile: Playwright's way of `--user-data-dir`.
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 800, height: 600 },
    });
    const streams: BrowserStream[] = [];
    for (const mode of ["burst", "paced"] as const) {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      await page.goto(url);
      await page
        .waitForFunction(() => "runStream" in window, undefined, { timeout: 60_000 })
        .catch((error: unknown) => {
          throw new Error(
            `the bench page did not start: ${[String(error), ...problems].join("; ")}`,
          );
        });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      const taskMs = async (): Promise<number> => {
        const { metrics } = await cdp.send("Performance.getMetrics");
        return (metrics.find((m) => m.name === "TaskDuration")?.value ?? 0) * 1000;
      };
      const box = await page.locator("#probe").boundingBox();
      const before = await taskMs();
      const measured = page.evaluate(
        ([n, m]) =>
          (
            window as unknown as {
              runStream: (n: number, m: string) => Promise<PageMeasurement>;
            }
          ).runStream(n, m),
        [options.chunks, mode] as const,
      );
      let done = false;
      void measured.finally(() => {
        done = true;
      });
      while (!done && box !== null) {
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const result = await measured;
      const mainThreadMilliseconds = (await taskMs()) - before;
      const complete = result.lastLine.includes(String(options.chunks - 1));
      const stream: BrowserStream = {
        ...result,
        mainThreadMilliseconds,
        complete,
        responsive:
          complete &&
          result.longestFrameGapMilliseconds <= RESPONSIVE_MS &&
          result.longestClickDelayMilliseconds <= RESPONSIVE_MS,
      };
      options.log(
        `  StreamingLog ${mode}: ${result.milliseconds.toFixed(0)} ms, ${result.commits} commits, ` +
          `main thread ${mainThreadMilliseconds.toFixed(0)} ms, longest frame gap ` +
          `${result.longestFrameGapMilliseconds.toFixed(0)} ms, longest click delay ` +
          `${result.longestClickDelayMilliseconds.toFixed(0)} ms${complete ? "" : ", INCOMPLETE"}`,
      );
      streams.push(stream);
      await page.close();
    }
    return { chunks: options.chunks, chromium: context.browser()?.version(), streams };
  } finally {
    await context?.close();
    server?.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
};
