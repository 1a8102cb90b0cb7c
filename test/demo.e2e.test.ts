import { randomId } from "@taskbridge/core/protocol";
import { connect } from "amqplib";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../scripts/chromium.js";
import { type DemoState, driveDemo, saveScreenshot } from "./support/driveDemo.js";
import { type DemoStack, startDemoStack } from "./support/startDemoStack.js";

// `npm start` end to end: the launcher builds the demo and starts the stack, Debian's Chromium
// clicks through the demo, screenshots land in test-results/. Once on the live stack (the shared
// RabbitMQ, with a queue prefix of its own), once in embedded mode (RabbitMQ unreachable).

const LIVE_AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const DEAD_AMQP_URL = "amqp://guest:guest@127.0.0.1:1";
const REFERENCE_TYPES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"];

jest.setTimeout(240_000);

type OpenBrowser = { readonly browser: Browser; readonly context: BrowserContext };

// launch() + newContext(): Playwright gives the launch a fresh temporary profile and deletes it
// on close (Chromium 156 does not start under launchPersistentContext here).
const openBrowser = async (): Promise<OpenBrowser> => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return { browser, context };
};

const closeBrowser = async (open: OpenBrowser | undefined) => {
  if (open === undefined) return;
  await open.context.close();
  await open.browser.close();
};

/**
 * Drives the demo and records the page's height in each state: the layout reserves room for
 * what comes (progress, the Cancel button, an error, a full log), so it must not jump.
 */
const driveAndMeasure = async (page: Page): Promise<Map<DemoState, number>> => {
  const heights = new Map<DemoState, number>();
  await driveDemo(page, {
    onState: async (state) => {
      heights.set(
        state,
        await page.evaluate(() => document.documentElement.getBoundingClientRect().height),
      );
    },
  });
  return heights;
};

const expectStableHeight = (heights: Map<DemoState, number>) => {
  const idle = heights.get("idle");
  expect(idle).toBeGreaterThan(0);
  for (const [state, height] of heights) {
    expect({ state, height }).toEqual({ state, height: idle });
  }
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
  let browser: OpenBrowser | undefined;

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
    expectStableHeight(await driveAndMeasure(page));

    // The Python worker answers py.demo.count when Debian's python3 has aio-pika.
    const python = page.getByRole("region", { name: "Python task", exact: true });
    await python.getByText("Python worker", { exact: true }).waitFor();
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
  let browser: OpenBrowser | undefined;

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
    await banner.getByText("rabbitmq:3-management").waitFor();
    expectStableHeight(await driveAndMeasure(page));
    const python = page.getByRole("region", { name: "Python task", exact: true });
    const pythonButton = python.getByRole("button", { name: "Stream 30 lines" });
    expect(await pythonButton.isDisabled()).toBe(true);
    // Disabled, and looking it: no pointer, greyed.
    expect(await pythonButton.evaluate((element) => getComputedStyle(element).cursor)).toBe(
      "not-allowed",
    );
    await screenshotBoth(page, "demo-embedded");
    await page.close();
  });
});
