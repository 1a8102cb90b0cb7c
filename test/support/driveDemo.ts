import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";

/** Where the end-to-end test leaves its screenshots (gitignored). */
export const ARTEFACTS_DIR = resolve(process.cwd(), "test-results");

const WAIT = { timeout: 60_000 };

/** Saves a full-page screenshot as `test-results/<name>.png`. */
export const saveScreenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(ARTEFACTS_DIR, { recursive: true });
  const path = resolve(ARTEFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
};

const card = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true });

/**
 * The demo flow a user would follow, each step awaited on what the page shows (no sleeps):
 * the quick request echoes, the stream fills the log to its last line, the long task reaches
 * 100 %, a second run is cancelled, and the failing task shows its error code and message.
 */
export const driveDemo = async (page: Page): Promise<void> => {
  await page.getByRole("status", { name: "Connection" }).getByText("Connected").waitFor(WAIT);

  const quick = card(page, "Quick request");
  await quick.getByLabel("Message").fill("hello from Chromium");
  await quick.getByRole("button", { name: "Send" }).click();
  await quick.getByText("Echoed “hello from Chromium”").waitFor(WAIT);

  const stream = card(page, "Streamed log");
  await stream.getByRole("button", { name: "Stream 100 lines" }).click();
  await stream.getByText("100 of 100 lines · done (count 100)").waitFor(WAIT);
  await stream.getByRole("log").getByText("line 100 of 100", { exact: true }).waitFor(WAIT);

  const task = card(page, "Long task");
  await task.getByRole("button", { name: "Start task" }).click();
  await task.getByRole("status").getByText("Done · 20 of 20 (100%)").waitFor(WAIT);

  await task.getByRole("button", { name: "Run again" }).click();
  await task
    .getByRole("status")
    .getByText(/^Running/)
    .waitFor(WAIT);
  await task.getByRole("button", { name: "Cancel task" }).click();
  await task
    .getByRole("status")
    .getByText(/^Cancelled/)
    .waitFor(WAIT);

  const failing = card(page, "An error");
  await failing.getByLabel("Error message").fill("The printer is on fire");
  await failing.getByRole("button", { name: "Run failing task" }).click();
  await failing.getByRole("alert").getByText("The printer is on fire").waitFor(WAIT);
  await failing.getByRole("alert").getByText("WORKER_ERROR").waitFor(WAIT);
};
