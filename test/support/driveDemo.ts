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

/** The states of the demo `driveDemo` passes through, in order. */
export type DemoState =
  | "idle"
  | "echoed"
  | "streamed"
  | "long task running"
  | "long task done"
  | "long task cancelled"
  | "error shown";

export type DriveDemoOptions = {
  /** Called in each state, the page settled there (measure it, take a screenshot …). */
  readonly onState?: (state: DemoState) => Promise<void> | void;
};

/** The computed border colour of an element, and the stylesheet's error colour. */
const borderAndErrorColour = (element: Element): { border: string; error: string } => {
  const probe = document.createElement("span");
  probe.style.color = "var(--tb-error)";
  element.append(probe);
  const error = getComputedStyle(probe).color;
  probe.remove();
  return { border: getComputedStyle(element).borderTopColor, error };
};

/**
 * The demo flow a user would follow, each step awaited on what the page shows (no sleeps):
 * the quick request echoes, the stream fills the log to its last line (whole, not cut in half),
 * the long task reaches 100 % with one cancel control while it runs, a second run is cancelled
 * (no red on the button: a cancel is not a failure), and the failing task shows its error code
 * and message (its button keeps its ordinary look: failing is what it is for).
 */
export const driveDemo = async (page: Page, { onState }: DriveDemoOptions = {}): Promise<void> => {
  await page.getByRole("status", { name: "Connection" }).getByText("Connected").waitFor(WAIT);
  await onState?.("idle");

  const quick = card(page, "Quick request");
  await quick.getByLabel("Message").fill("hello from Chromium");
  await quick.getByRole("button", { name: "Send" }).click();
  await quick.getByText("Echoed “hello from Chromium”").waitFor(WAIT);
  await onState?.("echoed");

  const stream = card(page, "Streamed log");
  await stream.getByRole("button", { name: "Stream 100 lines" }).click();
  await stream.getByText("100 of 100 lines · done (count 100)").waitFor(WAIT);
  const log = stream.getByRole("log");
  await log.getByText("line 100 of 100", { exact: true }).waitFor(WAIT);
  // Scrolled to the end, the log shows whole lines: its top line starts at the viewport's top.
  const cut = await log.evaluate((element) => {
    const top = element.getBoundingClientRect().top + element.clientTop;
    const first = [...element.querySelectorAll(".tb-log__line")]
      .map((line) => line.getBoundingClientRect())
      .filter((rect) => rect.bottom > top)
      .sort((a, b) => a.top - b.top)[0];
    return first === undefined ? 0 : top - first.top;
  });
  expect(Math.abs(cut)).toBeLessThan(1);
  await onState?.("streamed");

  const task = card(page, "Long task");
  await task.getByRole("button", { name: "Start task" }).click();
  await task
    .getByRole("status")
    .getByText(/^Running · \d+ of 20/)
    .waitFor(WAIT);
  // One cancel control while it runs: the progress panel's.
  expect(await task.getByRole("button", { name: /cancel|stop/i }).count()).toBe(1);
  await onState?.("long task running");
  await task.getByRole("status").getByText("Done · 20 of 20 (100%)").waitFor(WAIT);
  await onState?.("long task done");

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
  const afterCancel = await task
    .getByRole("button", { name: "Run again" })
    .evaluate(borderAndErrorColour);
  expect(afterCancel.border).not.toBe(afterCancel.error);
  await onState?.("long task cancelled");

  const failing = card(page, "An error");
  await failing.getByLabel("Error message").fill("The printer is on fire");
  await failing.getByRole("button", { name: "Run failing task" }).click();
  await failing.getByRole("alert").getByText("The printer is on fire").waitFor(WAIT);
  await failing.getByRole("alert").getByText("WORKER_ERROR").waitFor(WAIT);
  const afterFailure = await failing
    .getByRole("button", { name: "Run failing task" })
    .evaluate(borderAndErrorColour);
  expect(afterFailure.border).not.toBe(afterFailure.error);
  await onState?.("error shown");
};
