import type { Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { defineHandlers, type HandlerContext } from "@taskbridge/core/protocol";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { type ReactNode, StrictMode } from "react";
import { BackendProvider } from "../hooks/BackendProvider.js";
import { useBackendRequest } from "../hooks/useBackendRequest.js";
import { StreamingLog } from "./StreamingLog.js";

/** Lets a test hand the `t.feed` handler batches of chunks; `null` ends it, an Error fails it. */
type Batch = unknown[] | null | Error;
const createFeed = () => {
  const queued: Batch[] = [];
  let wake: (() => void) | undefined;
  return {
    push(batch: Batch) {
      queued.push(batch);
      wake?.();
    },
    async next(): Promise<Batch> {
      while (queued.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return queued.shift() ?? null;
    },
  };
};

let transport: Transport;
let feed: ReturnType<typeof createFeed>;
let runs: number;
let aborted: number;

beforeEach(() => {
  feed = createFeed();
  runs = 0;
  aborted = 0;
  transport = createMemoryTransport({
    handlers: defineHandlers({
      "t.feed": async (_payload: unknown, ctx: HandlerContext) => {
        runs++;
        ctx.signal.addEventListener("abort", () => aborted++);
        for (;;) {
          const batch = await feed.next();
          if (batch === null) return "end";
          if (batch instanceof Error) throw batch;
          for (const chunk of batch) ctx.emit(chunk);
        }
      },
      "t.count": async (payload: { n: number }, ctx: HandlerContext<{ i: number }>) => {
        for (let i = 0; i < payload.n; i++) ctx.emit({ i });
        return { count: payload.n };
      },
    }),
  });
});

afterEach(() => transport.close());

const inProvider = (ui: ReactNode) => <BackendProvider transport={transport}>{ui}</BackendProvider>;

/** A log fed by a request that starts at once: what an app does with `request={…}`. */
const FedLog = (props: { renderChunk?: (chunk: unknown) => ReactNode }) => {
  const request = useBackendRequest("t.feed");
  return (
    <>
      <button type="button" onClick={() => request.send(null)}>
        start
      </button>
      <StreamingLog request={request} label="Build output" {...props} />
    </>
  );
};

const lines = (log: HTMLElement) =>
  Array.from(log.querySelectorAll(".tb-log__line"), (line) => line.textContent);

const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => `line ${from + k}`);

describe("StreamingLog", () => {
  it("is a polite, labelled, focusable log with an empty state", () => {
    render(inProvider(<FedLog />));
    const log = screen.getByRole("log", { name: "Build output" });
    expect(log).toHaveAttribute("aria-live", "polite");
    expect(log).toHaveAttribute("data-state", "idle");
    expect(log).toHaveAttribute("tabindex", "0");
    expect(log).toHaveTextContent("No output yet.");
  });

  it("shows chunks as lines: strings as they are, other values as JSON", async () => {
    render(inProvider(<FedLog />));
    fireEvent.click(screen.getByRole("button", { name: "start" }));
    feed.push(["compiling", { step: 2 }, 3]);
    const log = screen.getByRole("log");
    await waitFor(() => expect(lines(log)).toEqual(["compiling", '{"step":2}', "3"]));
    expect(log).toHaveAttribute("data-state", "streaming");
    feed.push(null);
    await waitFor(() => expect(log).toHaveAttribute("data-state", "success"));
  });

  it("renders chunks through renderChunk", async () => {
    render(inProvider(<FedLog renderChunk={(chunk) => <strong>{`> ${String(chunk)}`}</strong>} />));
    fireEvent.click(screen.getByRole("button", { name: "start" }));
    feed.push(["a", "b"]);
    const log = screen.getByRole("log");
    await waitFor(() => expect(within(log).getAllByText(/^> /)).toHaveLength(2));
    expect(within(log).getByText("> b").tagName).toBe("STRONG");
  });

  it("renders 100,000 lines as a screenful of DOM rows, showing the newest", async () => {
    render(inProvider(<FedLog />));
    fireEvent.click(screen.getByRole("button", { name: "start" }));
    feed.push(range(0, 100_000));
    const log = screen.getByRole("log");
    await waitFor(() => expect(lines(log)).toContain("line 99999"), { timeout: 10_000 });
    const rows = lines(log).length;
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(100);
    expect(lines(log)).not.toContain("line 0");
  });

  it("sticks to the bottom until the user scrolls up, and again once they scroll back down", async () => {
    render(inProvider(<FedLog />));
    fireEvent.click(screen.getByRole("button", { name: "start" }));
    const log = screen.getByRole("log");
    feed.push(range(0, 200));
    await waitFor(() => expect(lines(log)).toContain("line 199"));

    // The reader scrolls to the top: new lines arrive but the view stays where they are.
    log.scrollTop = 0;
    fireEvent.scroll(log);
    await waitFor(() => expect(lines(log)).toContain("line 0"));
    feed.push(range(200, 300));
    await waitFor(() => expect(log).toHaveAttribute("data-state", "streaming"));
    await waitFor(() => expect(within(log).queryByText("line 299")).toBeNull());
    feed.push(["marker"]);
    await waitFor(() => expect(lines(log)).toContain("line 0"));
    expect(lines(log)).not.toContain("marker");

    // Back at the bottom: it follows new lines again.
    log.scrollTop = 1_000_000;
    fireEvent.scroll(log);
    await waitFor(() => expect(lines(log)).toContain("marker"));
    feed.push(range(300, 400));
    await waitFor(() => expect(lines(log)).toContain("line 399"));
    expect(lines(log)).not.toContain("line 0");
  });

  it("shows a failed request's state, keeping the lines it got and saying why it stopped", async () => {
    render(inProvider(<StreamingLog type="t.feed" />));
    feed.push(["partial"]);
    const log = screen.getByRole("log");
    await waitFor(() => expect(lines(log)).toEqual(["partial"]));
    expect(within(log).queryByText(/^Stopped/)).toBeNull();
    feed.push(new Error("compiler crashed"));
    await waitFor(() => expect(log).toHaveAttribute("data-state", "error"));
    expect(lines(log)).toEqual(["partial"]);
    const outcome = within(log).getByText("Stopped: compiler crashed");
    expect(outcome).toHaveAttribute("data-state", "error");
    expect(log.lastElementChild).toBe(outcome);
  });

  it("ends a cancelled request's lines with the cancel, in place of the empty text when there are none", async () => {
    const CancelledLog = () => {
      const request = useBackendRequest("t.feed");
      return (
        <>
          <button type="button" onClick={() => request.send(null)}>
            start
          </button>
          <button type="button" onClick={request.cancel}>
            stop
          </button>
          <StreamingLog request={request} />
        </>
      );
    };
    render(inProvider(<CancelledLog />));
    const log = screen.getByRole("log");
    fireEvent.click(screen.getByRole("button", { name: "start" }));
    await waitFor(() => expect(runs).toBe(1));
    fireEvent.click(screen.getByRole("button", { name: "stop" }));
    await waitFor(() => expect(log).toHaveAttribute("data-state", "error"));
    expect(log).toHaveTextContent("Stopped: the request was cancelled");
    expect(log).not.toHaveTextContent("No output yet.");
    expect(within(log).getByText(/^Stopped/)).toHaveAttribute("data-code", "CANCELLED");
    // A cancel, not a failure: the stylesheet keeps a data-cancelled log out of the red.
    expect(log).toHaveAttribute("data-cancelled", "");

    // A new run clears it.
    fireEvent.click(screen.getByRole("button", { name: "start" }));
    feed.push(["again"]);
    await waitFor(() => expect(lines(log)).toEqual(["again"]));
    expect(log).not.toHaveTextContent("Stopped");
    expect(log).not.toHaveAttribute("data-cancelled");
  });

  it("renderError words the last line; showError={false} leaves it out", async () => {
    const failing = defineHandlers({
      "t.fail": async () => {
        throw new Error("disk full");
      },
    });
    const local = createMemoryTransport({ handlers: failing });
    render(
      <BackendProvider transport={local}>
        <StreamingLog
          type="t.fail"
          label="Worded"
          renderError={(error) => `✗ ${error.code}: ${error.message}`}
        />
        <StreamingLog type="t.fail" label="Quiet" showError={false} />
      </BackendProvider>,
    );
    const worded = screen.getByRole("log", { name: "Worded" });
    const quiet = screen.getByRole("log", { name: "Quiet" });
    await waitFor(() => expect(worded).toHaveTextContent("✗ WORKER_ERROR: disk full"));
    await waitFor(() => expect(quiet).toHaveAttribute("data-state", "error"));
    expect(quiet).toHaveTextContent("No output yet.");
    expect(quiet).not.toHaveTextContent("disk full");
    await local.close();
  });

  it("bound to its own request (type + payload), starts it on mount", async () => {
    render(inProvider(<StreamingLog type="t.count" payload={{ n: 3 }} />));
    const log = screen.getByRole("log", { name: "Output" });
    await waitFor(() => expect(log).toHaveAttribute("data-state", "success"));
    expect(lines(log)).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
  });

  it("in StrictMode, a bound log starts its request once and keeps it", async () => {
    render(<StrictMode>{inProvider(<StreamingLog type="t.feed" label="Live" />)}</StrictMode>);
    feed.push(["only once"]);
    const log = screen.getByRole("log", { name: "Live" });
    await waitFor(() => expect(lines(log)).toEqual(["only once"]));
    expect(runs).toBe(1);
    expect(aborted).toBe(0);
  });

  it("a bound log cancels its request when unmounted mid-stream", async () => {
    const consoleError = jest.spyOn(console, "error");
    const { unmount } = render(inProvider(<StreamingLog type="t.feed" />));
    feed.push(["working"]);
    await waitFor(() => expect(lines(screen.getByRole("log"))).toEqual(["working"]));
    unmount();
    await waitFor(() => expect(aborted).toBe(1));
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });
});
