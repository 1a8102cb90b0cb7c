// The cold-load check of `npm run test:stories` (scripts/test-stories.mjs): opens Storybook pages
// the way a new user does — every page in a fresh browser context, so nothing is cached and
// nothing was loaded before — and reports every console error, uncaught error, unhandled
// rejection, failed request and HTTP error status, from the page and from its frames. The
// test-runner cannot see these: it loads iframe.html once per worker, before its hooks listen,
// and then switches stories inside the warm page.
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.js";

/**
 * How long an unthrottled page may take to show its story or docs page. A page with the CPU
 * slowed down `cpuThrottle` times gets `cpuThrottle / 2` times as long: the dev server's two
 * manager pages at 4x took 22–28 s each on a quiet 2-core machine (while Vite compiled them for
 * the first time), and one took over 90 s in a CI run that shared the machine with other work.
 */
const RENDER_TIMEOUT_MS = 90_000;
/** How long to keep listening after the page is up, for errors that come late. */
const SETTLE_MS = 2_000;

/** The manager's shared stores, which in the dev server must sync with the server within 1 s. */
const MANAGER_STORES = [
  "internal_universalStatusStore",
  "internal_universalTestProviderStore",
  "internal_universalChecklistStore",
];

/**
 * The pages of a cold-load check for a Storybook at `baseUrl` with the entries of its
 * index.json: the first story of every title opened alone (`iframe.html?id=…`), the docs page
 * of every title that has one (when `docs` is true), and one story in the manager (`/?path=…`),
 * the page `npm run storybook` opens.
 */
export const coldLoadPages = (entries, { docs = false } = {}) => {
  const byTitle = new Map();
  for (const entry of Object.values(entries)) {
    const seen = byTitle.get(entry.title) ?? {};
    if (entry.type === "story") seen.story ??= entry.id;
    if (entry.type === "docs") seen.docs ??= entry.id;
    byTitle.set(entry.title, seen);
  }
  const pages = [];
  for (const { story, docs: docsId } of byTitle.values()) {
    if (story !== undefined) pages.push({ path: `/iframe.html?id=${story}&viewMode=story` });
    if (docs && docsId !== undefined) {
      pages.push({ path: `/iframe.html?id=${docsId}&viewMode=docs` });
    }
  }
  const first = [...byTitle.values()].find((seen) => seen.story !== undefined)?.story;
  if (first !== undefined) pages.push({ path: `/?path=/story/${first}`, manager: true });
  return pages;
};

/** Waits until the preview document shows a story or a docs page (or reports an error). */
const waitForPreview = async (frame, timeout) => {
  await frame.waitForFunction(
    () => {
      const shown = (selector) => (document.querySelector(selector)?.childElementCount ?? 0) > 0;
      return (
        shown("#storybook-root") ||
        shown("#storybook-docs") ||
        document.body?.classList.contains("sb-show-errordisplay") ||
        document.body?.classList.contains("sb-show-nopreview")
      );
    },
    undefined,
    { timeout, polling: 250 },
  );
};

/** In the manager of a dev server: waits until its shared stores synced (or gave up). */
const waitForManagerStores = async (page, timeout) => {
  await page.waitForFunction(
    (names) => {
      const api = globalThis.__STORYBOOK_API__;
      return names.every((name) => {
        const status = api?.[name]?.status;
        return status === undefined || status === "READY" || status === "ERROR";
      });
    },
    MANAGER_STORES,
    { timeout, polling: 250 },
  );
};

/** Opens one page in a fresh context and returns what went wrong on it. */
const checkPage = async (browser, baseUrl, { path, manager = false }, { cpuThrottle }) => {
  const context = await browser.newContext();
  const problems = [];
  const note = (what) => problems.push(`${path}: ${what}`);
  const timeout = RENDER_TIMEOUT_MS * Math.max(1, cpuThrottle / 2);
  try {
    const page = await context.newPage();
    if (cpuThrottle > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuThrottle });
    }
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const where = message.location()?.url;
      note(`console error: ${message.text().slice(0, 400)}${where ? ` (${where})` : ""}`);
    });
    page.on("pageerror", (error) => note(`uncaught: ${error.message.slice(0, 400)}`));
    context.on("response", (response) => {
      if (response.status() >= 400) note(`HTTP ${response.status()} for ${response.url()}`);
    });
    context.on("requestfailed", (request) => {
      const reason = request.failure()?.errorText ?? "";
      // A navigation or a module fetch cut short by a reload is not a failure of the page.
      if (reason !== "net::ERR_ABORTED") note(`request failed: ${request.url()} ${reason}`);
    });
    await page.goto(new URL(path, baseUrl).href, { timeout });
    if (manager) {
      const iframe = await page.waitForSelector("#storybook-preview-iframe", { timeout });
      const frame = await iframe.contentFrame();
      if (frame === null) throw new Error("the preview iframe has no document");
      await waitForPreview(frame, timeout);
      await waitForManagerStores(page, timeout);
    } else {
      await waitForPreview(page.mainFrame(), timeout);
    }
    await page.waitForTimeout(SETTLE_MS);
  } catch (error) {
    note(`did not load: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
  } finally {
    await context.close();
  }
  return problems;
};

/**
 * Opens each of `pages` of the Storybook at `baseUrl` in a fresh browser context of Debian's
 * Chromium, `concurrency` at a time, optionally with the CPU slowed down `cpuThrottle` times
 * (a slow or busy machine, where start-up races show), and resolves with the problems found, an
 * empty list when every page loaded clean.
 */
export const checkColdLoads = async (baseUrl, pages, { cpuThrottle = 1, concurrency = 2 } = {}) => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  const problems = [];
  try {
    const queue = [...pages];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        problems.push(...(await checkPage(browser, baseUrl, next, { cpuThrottle })));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  } finally {
    await browser.close();
  }
  return problems;
};
