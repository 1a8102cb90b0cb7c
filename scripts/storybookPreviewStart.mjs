// The preview-start check of `npm run test:stories` (scripts/test-stories.mjs): selects a story
// the way @storybook/test-runner does — as soon as iframe.html fired `load`, it emits
// `setCurrentStory` on the preview's channel — while msw's service worker is still starting,
// and requires the story to finish rendering. The service worker's script is held back by a
// proxy until the story has been selected, so the worker cannot be running yet: no timing
// decides the outcome. It guards against a preview that hears the channel only once msw is up
// (a top-level `await worker.start()` in the preview did that): the test-runner's selection was
// lost and the story hung until the test timeout (docs/testing.md, "Known flakes").
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.js";

/** How long the selected story may take to finish once the service worker is let through. */
const FINISH_TIMEOUT_MS = 90_000;

/** The script msw registers as its service worker (`public/`, served at the root). */
const WORKER_SCRIPT = "/mockServiceWorker.js";

/** Storybook's events that end a selected story, and whether each is a success. */
const OUTCOMES = {
  storyFinished: true,
  storyErrored: false,
  storyThrewException: false,
  playFunctionThrewException: false,
  storyMissing: false,
};

/**
 * A proxy in front of `baseUrl` on a free port of 127.0.0.1 that holds every request for the
 * service worker's script until `release()`.
 */
const holdingProxy = (baseUrl) =>
  new Promise((ready) => {
    let release;
    const released = new Promise((resolve) => {
      release = resolve;
    });
    const held = { count: 0 };
    const server = createServer(async (req, res) => {
      try {
        if (new URL(req.url ?? "/", "http://x").pathname === WORKER_SCRIPT) {
          held.count += 1;
          await released;
        }
        const upstream = await fetch(new URL(req.url ?? "/", baseUrl));
        const body = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
          "cache-control": "no-store",
        });
        res.end(body);
      } catch (error) {
        res.writeHead(502).end(String(error));
      }
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ready({ url: `http://127.0.0.1:${port}`, release, held, server });
    });
  });

/**
 * Runs the check on the Storybook at `baseUrl` with story `storyId`, in a fresh context of
 * Debian's Chromium. Resolves with the problems found: none when the story finished.
 */
export const checkPreviewStart = async (baseUrl, storyId) => {
  const proxy = await holdingProxy(baseUrl);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  const problems = [];
  const note = (what) => problems.push(`${storyId} selected at page load: ${what}`);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("pageerror", (error) => note(`uncaught: ${error.message.slice(0, 400)}`));
    await page.goto(`${proxy.url}/iframe.html`, { waitUntil: "load" });
    const selected = await page.evaluate(
      ({ id, outcomes }) => {
        const channel = globalThis.__STORYBOOK_ADDONS_CHANNEL__;
        if (channel === undefined) return "the preview has no channel at load";
        for (const [event, ok] of Object.entries(outcomes)) {
          channel.on(event, (data) => {
            // What the test-runner then does: it waits on, for the story it asked for.
            const unheard = event === "storyMissing" && data !== id;
            globalThis.__previewStartOutcome ??= ok
              ? "ok"
              : unheard
                ? "the preview started with no story selected: it did not hear `setCurrentStory`"
                : `${event}: ${JSON.stringify(data)}`;
          });
        }
        channel.emit("setCurrentStory", { storyId: id, viewMode: "story" });
        return "selected";
      },
      { id: storyId, outcomes: OUTCOMES },
    );
    proxy.release();
    if (selected !== "selected") {
      note(selected);
    } else {
      const outcome = await page
        .waitForFunction(() => globalThis.__previewStartOutcome, undefined, {
          timeout: FINISH_TIMEOUT_MS,
          polling: 100,
        })
        .then((handle) => handle.jsonValue())
        .catch(() => undefined);
      if (outcome === undefined) {
        note(
          `the story did not finish within ${FINISH_TIMEOUT_MS / 1000} s of msw's worker starting: ` +
            "the preview did not hear `setCurrentStory` (is it made only after the worker started?)",
        );
      } else if (outcome !== "ok") {
        note(outcome.slice(0, 400));
      }
      if (proxy.held.count === 0) note("the page never asked for msw's worker script");
    }
    await context.close();
  } catch (error) {
    note(`did not load: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
  } finally {
    proxy.release();
    await browser.close();
    proxy.server.closeAllConnections();
    proxy.server.close();
  }
  return problems;
};
