import type { Transport } from "@taskbridge/core";
import { createMemoryTransport, simulateWorkerCrash } from "@taskbridge/core";
import { defineHandlers, type HandlerContext } from "@taskbridge/core/protocol";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { type ReactNode, StrictMode } from "react";
import { BackendProvider } from "../hooks/BackendProvider.js";
import { useBackendRequest } from "../hooks/useBackendRequest.js";
import { ProgressPanel } from "./ProgressPanel.js";

/** Steps the `t.steps` handler one `ctx.progress` call at a time. */
const createStepper = () => {
  const queued: Array<(ctx: HandlerContext) => void> = [];
  let wake: (() => void) | undefined;
  return {
    step(run: (ctx: HandlerContext) => void) {
      queued.push(run);
      wake?.();
    },
    async next() {
      while (queued.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return queued.shift()!;
    },
  };
};

let transport: Transport;
let stepper: ReturnType<typeof createStepper>;
let clock: number;
let runs: number;
let aborted: number;
const now = () => clock;

beforeEach(() => {
  stepper = createStepper();
  clock = 1_000_000;
  runs = 0;
  aborted = 0;
  transport = createMemoryTransport({
    handlers: defineHandlers({
      "t.steps": async (_payload: unknown, ctx: HandlerContext) => {
        runs++;
        ctx.signal.addEventListener("abort", () => aborted++);
        for (;;) {
          const run = await stepper.next();
          run(ctx);
        }
      },
      "t.flaky": async (_payload: unknown, ctx: HandlerContext) => {
        ctx.progress(1, 2, `attempt ${ctx.attempt}`);
        if (ctx.attempt === 1) throw simulateWorkerCrash();
        return new Promise(() => {});
      },
    }),
  });
});

afterEach(() => transport.close());

const inProvider = (ui: ReactNode) => <BackendProvider transport={transport}>{ui}</BackendProvider>;

const steps = "t.steps";

/** A panel fed by a request that a button starts. */
const ButtonAndPanel = () => {
  const request = useBackendRequest("t.done", { now });
  return (
    <>
      <button type="button" onClick={() => request.send(null)}>
        go
      </button>
      <ProgressPanel request={request} now={now} tickMs={0} />
    </>
  );
};

describe("ProgressPanel", () => {
  it("starts its own request, shows a determinate bar, message, elapsed time and time left", async () => {
    render(inProvider(<ProgressPanel type={steps} label="Import" now={now} tickMs={0} />));
    const bar = screen.getByRole("progressbar", { name: "Import" });
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Starting…"));
    expect(bar).not.toHaveAttribute("aria-valuenow");

    clock += 10_000;
    stepper.step((ctx) => ctx.progress(1, 4, "reading rows"));
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "1"));
    expect(bar).toHaveAttribute("aria-valuemax", "4");
    expect(bar).toHaveAttribute("aria-valuemin", "0");
    expect(screen.getByRole("status")).toHaveTextContent("Running · 1 of 4 (25%)");
    expect(screen.getByText("reading rows")).toBeInTheDocument();
    expect(screen.getByText("Elapsed 10s")).toBeInTheDocument();
    expect(screen.getByText(/About 30s left/)).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Import" })).toHaveAttribute(
      "data-state",
      "streaming",
    );

    clock += 50_000;
    stepper.step((ctx) => ctx.progress(3, 4, "writing"));
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "3"));
    expect(screen.getByText("Elapsed 1m 00s")).toBeInTheDocument();
    expect(screen.getByText(/About 20s left/)).toBeInTheDocument();
    expect(screen.getByText("writing")).toBeInTheDocument();
  });

  it("is indeterminate while there is no total", async () => {
    render(inProvider(<ProgressPanel type={steps} now={now} tickMs={0} />));
    stepper.step((ctx) => ctx.progress(7, undefined, "scanning"));
    await waitFor(() => expect(screen.getByText("scanning")).toBeInTheDocument());
    const bar = screen.getByRole("progressbar", { name: "Progress" });
    expect(bar).not.toHaveAttribute("aria-valuenow");
    expect(bar).not.toHaveAttribute("aria-valuemax");
    expect(screen.queryByText(/left/)).toBeNull();
  });

  it("says Done when the request succeeds, and drops the cancel button", async () => {
    const done = createMemoryTransport({
      handlers: {
        "t.done": async (_payload: unknown, ctx: HandlerContext) => {
          ctx.progress(2, 2);
          clock += 3_000;
          return "ok";
        },
      },
    });
    render(
      <BackendProvider transport={done}>
        <ButtonAndPanel />
      </BackendProvider>,
    );
    expect(screen.getByRole("status")).toHaveTextContent("Not started");
    await userEvent.click(screen.getByRole("button", { name: "go" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Done"));
    expect(screen.getByRole("region")).toHaveAttribute("data-state", "success");
    expect(screen.getByText("Elapsed 3s")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    await done.close();
  });

  it("says Failed with the error's message", async () => {
    render(inProvider(<ProgressPanel type={steps} now={now} tickMs={0} />));
    stepper.step(() => {
      throw new Error("disk full");
    });
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Failed: disk full"));
    expect(screen.getByRole("region")).toHaveAttribute("data-state", "error");
  });

  it("cancels from its cancel button, says Cancelled and stops the handler", async () => {
    const user = userEvent.setup();
    render(inProvider(<ProgressPanel type={steps} now={now} tickMs={0} />));
    stepper.step((ctx) => ctx.progress(1, 10));
    await waitFor(() =>
      expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "1"),
    );
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("status")).toHaveTextContent("Cancelled");
    expect(screen.getByRole("region")).toHaveAttribute("data-cancelled");
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    await waitFor(() => expect(aborted).toBe(1));
  });

  it("says Restarted (attempt 2) after the worker restarted the request", async () => {
    render(inProvider(<ProgressPanel type="t.flaky" now={now} tickMs={0} />));
    await waitFor(() =>
      expect(screen.getByRole("status")).toHaveTextContent("Restarted (attempt 2)"),
    );
    await waitFor(() => expect(screen.getByText("attempt 2")).toBeInTheDocument());
    expect(screen.getByRole("region")).toHaveAttribute("data-attempt", "2");
  });

  it("moves elapsed time on between frames while running", async () => {
    render(inProvider(<ProgressPanel type={steps} now={now} tickMs={20} />));
    await waitFor(() => expect(screen.getByText("Elapsed 0s")).toBeInTheDocument());
    clock += 5_000;
    await waitFor(() => expect(screen.getByText("Elapsed 5s")).toBeInTheDocument());
  });

  it("in StrictMode starts once, and cancels its request when unmounted", async () => {
    const consoleError = jest.spyOn(console, "error");
    const { unmount } = render(
      <StrictMode>{inProvider(<ProgressPanel type={steps} now={now} tickMs={0} />)}</StrictMode>,
    );
    stepper.step((ctx) => ctx.progress(1, 3));
    await waitFor(() =>
      expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "1"),
    );
    expect(runs).toBe(1);
    expect(aborted).toBe(0);
    unmount();
    await waitFor(() => expect(aborted).toBe(1));
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });
});
