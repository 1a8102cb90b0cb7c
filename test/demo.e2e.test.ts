import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomId } from "@taskbridge/core/protocol";
import { connect } from "amqplib";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../scripts/chromium.js";
import { driveDemo, saveScreenshot } from "./support/driveDemo.js";
import { type DemoStack, startDemoStack } from "./support/startDemoStack.js";

// `npm start` end to end: the launcher builds the demo and starts the stack, Debian's Chromium
// clicks through the demo, screenshots land in test-results/. Once on the live stack (the shared
// RabbitMQ, with a queue prefix of its own), once in embedded mode (RabbitMQ unreachable).

const LIVE_AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const DEAD_AMQP_URL = "amqp://guest:guest@127.0.0.1:1";
const REFERENCE_TYPES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"];

jest.setTimeout(240_000);

type Browser = { readonly context: BrowserContext; readonly dir: string };

const openBrowser = async (): Promise<Browser> => {
  const dir = mkdtempSync(join(tmpdir(), "taskbridge-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [...CHROMIUM_ARGS],
  });
  return { context, dir };
};

const closeBrowser = async (browser: Browser | undefined) => {
  if (browser === undefined) return;
  await browser.context.close();
  rmSync(browser.dir, { recursive: true, force: true });
};

const deleteQueues = async (names: readonly string[]) => {
  const connection = await connect(LIVE_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
    await channel.close();
  } finally {
    await connection.close();
  }
};

const screenshotBoth = async (page: Page, name: string) => {
  await saveScreenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 375, height: 800 });
  await saveScreenshot(page, `${name}-375`);
  // Nothing may stick out sideways at 375 px.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
};

describe("npm start on the live stack", () => {
  const prefix = `e2e${randomId(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}.`;
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack({ amqpUrl: LIVE_AMQP_URL, prefix });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    const code = await stack?.stop();
    await deleteQueues([
      ...REFERENCE_TYPES.map((type) => `${prefix}${type}`),
      ...REFERENCE_TYPES.map((type) => `${prefix}py.${type}`),
    ]);
    expect(code).toBe(0);
  });

  it("serves the demo, whose components do real work through RabbitMQ", async () => {
    expect(stack?.output()).toContain("taskbridge demo: LIVE stack");
    const page = await browser!.context.newPage();
    await page.goto(stack!.url);
    await page.getByText("Live stack:").waitFor();
    await driveDemo(page);

    // The Python worker answers py.demo.count when Debian's python3 has aio-pika.
    const python = page.getByRole("region", { name: "Python task", exact: true });
    if (stack!.output().includes("python    running")) {
      await python.getByRole("button", { name: "Stream 30 lines" }).click();
      await python.getByText("30 of 30 lines · done (count 30)").waitFor({ timeout: 60_000 });
    } else {
      await python.getByRole("note").waitFor();
    }
    await screenshotBoth(page, "demo-live");
    await page.close();
  });
});

describe("npm start with RabbitMQ unreachable (embedded mode)", () => {
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack({ amqpUrl: DEAD_AMQP_URL, prefix: "" });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    expect(await stack?.stop()).toBe(0);
  });

  it("says so in the terminal and on the page, and the same flow passes", async () => {
    expect(stack?.output()).toContain("EMBEDDED MODE (no RabbitMQ)");
    expect(stack?.output()).toContain("apt-get install -y rabbitmq-server");
    const page = await browser!.context.newPage();
    await page.goto(stack!.url);
    const banner = page.getByRole("region", { name: "Embedded mode" });
    await banner.getByText("RabbitMQ was not reachable").waitFor();
    await driveDemo(page);
    const python = page.getByRole("region", { name: "Python task", exact: true });
    expect(await python.getByRole("button", { name: "Stream 30 lines" }).isDisabled()).toBe(true);
    await screenshotBoth(page, "demo-embedded");
    await page.close();
  });
});
