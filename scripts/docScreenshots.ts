// The screenshots of docs/demo.md and docs/storybook.md, taken again with
// `node --import tsx scripts/docScreenshots.ts` (Debian's Chromium through playwright-core):
// the demo in embedded mode (RabbitMQ unreachable on purpose, so no broker is needed) in each
// of its states, and three stories of a fresh static Storybook build. They land in
// docs/screenshots/, replacing the previous ones.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { startDemoStack } from "../test/support/startDemoStack.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const out = join(root, "docs", "screenshots");
const WAIT = { timeout: 60_000 };

/** The stories shown in docs/storybook.md: id → file name. */
const STORIES: Record<string, string> = {
  "components-streaminglog--state-streaming": "story-streaming-log",
  "components-progresspanel--state-streaming": "story-progress-panel",
  "composed-taskrunner--state-cancelled": "story-task-runner-cancelled",
};

const shoot = async (target: Page | Locator, name: string): Promise<void> => {
  const path = join(out, `${name}.png`);
  await ("goto" in target
    ? target.screenshot({ path, fullPage: true })
    : target.screenshot({ path }));
  console.log(`docScreenshots: ${path}`);
};

const demo = async (browser: Browser): Promise<void> => {
  const stack = await startDemoStack({ amqpUrl: "amqp://127.0.0.1:1", prefix: "" });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(stack.url);
    await page.getByRole("status", { name: "Connection" }).getByText("Connected").waitFor(WAIT);
    const card = (title: string) => page.getByRole("region", { name: title, exact: true });
    await shoot(page, "demo-idle");

    const task = card("Long task");
    await task.getByRole("button", { name: "Start task" }).click();
    await task
      .getByRole("status")
      .getByText(/^Running · ([5-9]|1\d) of 20/)
      .waitFor(WAIT);
    await shoot(task, "demo-long-task-running");
    await task.getByRole("status").getByText("Done · 20 of 20 (100%)").waitFor(WAIT);
    await shoot(task, "demo-long-task-done");
    await task.getByRole("button", { name: "Run again" }).click();
    await task
      .getByRole("status")
      .getByText(/^Running · [4-9] of 20/)
      .waitFor(WAIT);
    await task.getByRole("button", { name: "Cancel task" }).click();
    await task
      .getByRole("status")
      .getByText(/^Cancelled/)
      .waitFor(WAIT);
    await shoot(task, "demo-long-task-cancelled");

    const stream = card("Streamed log");
    await stream.getByRole("button", { name: "Stream 100 lines" }).click();
    await stream.getByText("100 of 100 lines · done (count 100)").waitFor(WAIT);
    await shoot(stream, "demo-streamed-log");

    const failing = card("An error");
    await failing.getByRole("button", { name: "Run failing task" }).click();
    await failing.getByRole("alert").waitFor(WAIT);
    await shoot(failing, "demo-error");
    await shoot(page, "demo-after");
    await context.close();
  } finally {
    await stack.stop();
  }
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
};

const serve = (dir: string): Promise<Server> =>
  new Promise((ready) => {
    const server = createServer((req, res) => {
      let file = normalize(join(dir, new URL(req.url ?? "/", "http://x").pathname));
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
      if (!file.startsWith(dir) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(res);
    });
    server.listen(0, "127.0.0.1", () => ready(server));
  });

const stories = async (browser: Browser): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), "taskbridge-storybook-shots-"));
  let server: Server | undefined;
  try {
    const built = spawnSync(
      join(root, "node_modules", ".bin", "storybook"),
      ["build", "--quiet", "-o", dir],
      {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: "1" },
      },
    );
    if (built.status !== 0) throw new Error("storybook build failed");
    server = await serve(dir);
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const context = await browser.newContext({ viewport: { width: 720, height: 480 } });
    for (const [id, name] of Object.entries(STORIES)) {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/iframe.html?id=${id}&viewMode=story`);
      await page.locator("#storybook-root > *").first().waitFor(WAIT);
      await page.waitForTimeout(1_000);
      await shoot(page.locator("#storybook-root"), name);
      await page.close();
    }
    await context.close();
  } finally {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
try {
  await demo(browser);
  await stories(browser);
} finally {
  await browser.close();
}
