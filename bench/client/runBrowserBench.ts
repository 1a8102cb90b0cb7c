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
  /**
   * After the stream, the reader can scroll the log by keyboard and wheel: Home shows the first
   * chunk, a wheel turn moves the lines, End shows the last chunk again.
   */
  readonly scrollable: boolean;
  /** What the scroll check saw (first visible line after Home and after the wheel, last after End). */
  readonly scrollCheck: { readonly home: string; readonly wheel: string; readonly end: string };
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

type CpuProfile = {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
};

/** The functions with the most self time in a CDP CPU profile, as "ms name (file:line)". */
const topSelfTime = (profile: CpuProfile, top = 15): string[] => {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let k = 0; k < samples.length; k += 1) {
    const frame = byNode.get(samples[k] ?? -1);
    if (frame === undefined) continue;
    const file = frame.url.split("/").pop() ?? "";
    const name = `${frame.functionName || "(anonymous)"} (${file}:${frame.lineNumber + 1})`;
    self.set(name, (self.get(name) ?? 0) + (deltas[k] ?? 0) / 1000);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => `${ms.toFixed(0)} ms ${name}`);
};

type Page = Awaited<
  ReturnType<
    Awaited<
      ReturnType<typeof import("playwright-core").chromium.launchPersistentContext>
    >["newPage"]
  >
>;

/** Waits for two animation frames, so what a scroll changed is rendered. */
const settle = (page: Page): Promise<unknown> =>
  page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );

/** Scrolls the finished log as a reader would (Home, a wheel turn, End) and reads what shows. */
const checkScrolling = async (
  page: Page,
): Promise<{ readonly home: string; readonly wheel: string; readonly end: string }> => {
  const visible = (): Promise<{ first: string; last: string }> =>
    page.evaluate(() =>
      (window as unknown as { visibleLines: () => { first: string; last: string } }).visibleLines(),
    );
  const log = page.getByRole("log");
  await log.focus();
  await page.keyboard.press("Home");
  await page.waitForTimeout(200);
  await settle(page);
  const home = (await visible()).first;
  const box = await log.boundingBox();
  if (box !== null) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 400);
  await page.waitForTimeout(200);
  await settle(page);
  const wheel = (await visible()).first;
  await log.focus();
  await page.keyboard.press("End");
  await page.waitForTimeout(200);
  await settle(page);
  const end = (await visible()).last;
  return { home, wheel, end };
};

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
  /** Record a CPU profile of each stream and log where its self time went (the top functions). */
  readonly profile?: boolean;
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
      build: {
        outDir,
        emptyOutDir: true,
        target: "es2022",
        chunkSizeWarningLimit: 2048,
        // Readable function names in a profile.
        minify: options.profile !== true,
      },
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
      if (options.profile === true) {
        await cdp.send("Profiler.enable");
        await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
        await cdp.send("Profiler.start");
      }
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
      if (options.profile === true) {
        const { profile } = await cdp.send("Profiler.stop");
        for (const line of topSelfTime(profile)) options.log(`    ${mode} profile: ${line}`);
      }
      const complete = result.lastLine.includes(String(options.chunks - 1));
      const scrollCheck = await checkScrolling(page);
      const scrollable =
        scrollCheck.home === JSON.stringify({ i: 0 }) &&
        scrollCheck.wheel !== scrollCheck.home &&
        scrollCheck.wheel !== "" &&
        scrollCheck.end === JSON.stringify({ i: options.chunks - 1 });
      const stream: BrowserStream = {
        ...result,
        mainThreadMilliseconds,
        complete,
        scrollable,
        scrollCheck,
        responsive:
          complete &&
          result.longestFrameGapMilliseconds <= RESPONSIVE_MS &&
          result.longestClickDelayMilliseconds <= RESPONSIVE_MS,
      };
      options.log(
        `  StreamingLog ${mode}: ${result.milliseconds.toFixed(0)} ms, ${result.commits} commits, ` +
          `main thread ${mainThreadMilliseconds.toFixed(0)} ms, long tasks ${result.longTasks} ` +
          `(longest ${result.longestTaskMilliseconds.toFixed(0)} ms; after the first second ` +
          `${result.lateLongTasks}, longest ${result.longestLateTaskMilliseconds.toFixed(0)} ms), ` +
          `${scrollable ? "scrollable" : "NOT SCROLLABLE"}, longest frame gap ` +
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
