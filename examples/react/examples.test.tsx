import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createMemoryTransport,
  defineHandlers,
  type HandlerContext,
  type Transport,
} from "@taskbridge/core";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ComposedExample } from "./composed.js";
import { ConnectionBannerExample } from "./connectionBanner.js";
import { createDemoTransport } from "./demoTransport.js";
import { ProgressPanelExample } from "./progressPanel.js";
import { QuickStartExample } from "./quickStart.js";
import { RequestButtonExample } from "./requestButton.js";
import { StreamingLogExample } from "./streamingLog.js";

// docs/react.md quotes these files (imports written as the package's entry points); rendering
// them here keeps the guide true.
let transport: Transport;
beforeEach(() => {
  transport = createDemoTransport({ stepMs: 5 });
});
afterEach(() => transport.close());

describe("docs/react.md examples", () => {
  it("BackendProvider + useBackendRequest: a form that generates a report, or shows the error", async () => {
    const user = userEvent.setup();
    render(<QuickStartExample transport={transport} />);
    await user.click(screen.getByRole("button", { name: "Generate report" }));
    expect(await screen.findByRole("link", { name: "Download the report" })).toHaveAttribute(
      "href",
      "/reports/2026-10.pdf",
    );
    await user.clear(screen.getByLabelText("Month"));
    await user.type(screen.getByLabelText("Month"), "October");
    await user.click(screen.getByRole("button", { name: "Generate report" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("no such month: October");
  });

  it("RequestButton: reports the result, and cancels while running", async () => {
    const user = userEvent.setup();
    const onReport = jest.fn();
    render(<RequestButtonExample transport={transport} onReport={onReport} />);
    await user.click(screen.getByRole("button", { name: "Generate report" }));
    await waitFor(() => expect(onReport).toHaveBeenCalledWith("ready: /reports/2026-10.pdf"));

    const slow = createDemoTransport({ stepMs: 60_000 });
    render(<RequestButtonExample transport={slow} onReport={onReport} />);
    const [, second] = screen.getAllByRole("button");
    await user.click(second!);
    await user.click(screen.getByRole("button", { name: "Stop generating" }));
    await waitFor(() => expect(onReport).toHaveBeenLastCalledWith("failed: CANCELLED"));
    expect(second).toHaveAccessibleDescription("Stopped.");
    expect(screen.getByText("Stopped.")).toBeVisible();
    await slow.close();
  });

  it("StreamingLog: starts its own request and numbers the lines", async () => {
    render(<StreamingLogExample transport={transport} />);
    const log = screen.getByRole("log", { name: "Build log" });
    await waitFor(() => expect(log).toHaveAttribute("data-state", "success"));
    expect(log).toHaveTextContent("3 │ step 3: compiled module 3");
    expect(log).not.toHaveTextContent("build stopped");
  });

  it("StreamingLog: a failed build ends with the line renderError words", async () => {
    const failing = createMemoryTransport({
      handlers: defineHandlers({
        "build.run": async (_payload: unknown, ctx: HandlerContext<string>) => {
          ctx.emit("step 1: compiled module 1");
          throw new Error("disk full");
        },
      }),
    });
    render(<StreamingLogExample transport={failing} />);
    const log = screen.getByRole("log", { name: "Build log" });
    await waitFor(() => expect(log).toHaveAttribute("data-state", "error"));
    expect(log).toHaveTextContent("1 │ step 1: compiled module 1");
    expect(log).toHaveTextContent("✗ build stopped: disk full");
    await failing.close();
  });

  it("ProgressPanel: runs to Done", async () => {
    render(<ProgressPanelExample transport={transport} />);
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Done"));
    expect(screen.getByRole("progressbar", { name: "Build progress" })).toHaveAttribute(
      "aria-valuenow",
      "4",
    );
  });

  it("one request drives the button, the progress panel and the log", async () => {
    const user = userEvent.setup();
    render(<ComposedExample transport={transport} />);
    await user.click(screen.getByRole("button", { name: "Build" }));
    await waitFor(() =>
      expect(screen.getByRole("progressbar", { name: "Build progress" })).toHaveAttribute(
        "aria-valuenow",
        "5",
      ),
    );
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Done"));
    expect(screen.getByRole("log", { name: "Build log" })).toHaveTextContent(
      "step 5: compiled module 5",
    );
    expect(screen.getByRole("button", { name: "Build" })).toHaveAttribute("data-state", "success");
  });

  it("useConnectionState: a banner only while not connected", async () => {
    render(<ConnectionBannerExample transport={transport} />);
    expect(screen.queryByRole("status")).toBeNull();
    await act(() => transport.close());
    expect(screen.getByRole("status")).toHaveTextContent("Connection closed");
  });

  it("the guide quotes every example file as it is", () => {
    const guide = readFileSync(join(__dirname, "../../docs/react.md"), "utf8");
    const files = [
      "demoTransport.ts",
      "quickStart.tsx",
      "requestButton.tsx",
      "streamingLog.tsx",
      "progressPanel.tsx",
      "composed.tsx",
      "connectionBanner.tsx",
    ];
    for (const file of files) {
      const source = readFileSync(join(__dirname, file), "utf8").trim();
      expect(guide).toContain(source);
    }
  });
});
