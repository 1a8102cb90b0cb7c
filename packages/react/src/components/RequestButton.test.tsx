import type { Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { defineHandlers, type HandlerContext } from "@taskbridge/core/protocol";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { BackendProvider } from "../hooks/BackendProvider.js";
import { RequestButton } from "./RequestButton.js";

const deferred = () => {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

let transport: Transport;
let gate: ReturnType<typeof deferred>;
let aborted: number;

beforeEach(() => {
  gate = deferred();
  aborted = 0;
  transport = createMemoryTransport({
    handlers: defineHandlers({
      "t.echo": async (payload: unknown) => {
        await gate.promise;
        return payload;
      },
      "t.stream": async (_payload: unknown, ctx: HandlerContext<string>) => {
        ctx.signal.addEventListener("abort", () => aborted++);
        ctx.emit("first");
        await gate.promise;
        return "streamed";
      },
      "t.fail": async () => {
        await gate.promise;
        throw new Error("quota exceeded");
      },
    }),
  });
});

afterEach(() => transport.close());

const renderInProvider = (ui: React.ReactNode) =>
  render(<BackendProvider transport={transport}>{ui}</BackendProvider>);

describe("RequestButton", () => {
  it("runs its request on click: idle, then busy and disabled, then success with the result", async () => {
    const user = userEvent.setup();
    const onSuccess = jest.fn();
    renderInProvider(
      <RequestButton type="t.echo" payload={{ answer: 42 }} onSuccess={onSuccess}>
        Ask
      </RequestButton>,
    );
    const button = screen.getByRole("button", { name: "Ask" });
    expect(button).toHaveAttribute("data-state", "idle");
    expect(button).toHaveAttribute("aria-busy", "false");
    expect(button).toBeEnabled();

    await user.click(button);
    expect(button).toHaveAttribute("data-state", "pending");
    expect(button).toHaveAttribute("aria-busy", "true");
    expect(button).toBeDisabled();

    gate.open();
    await waitFor(() => expect(button).toHaveAttribute("data-state", "success"));
    expect(button).toHaveAttribute("aria-busy", "false");
    expect(button).toBeEnabled();
    expect(onSuccess).toHaveBeenCalledWith({ answer: 42 });
  });

  it("calls a payload function at click time", async () => {
    const user = userEvent.setup();
    const onSuccess = jest.fn();
    let clicks = 0;
    gate.open();
    renderInProvider(
      <RequestButton type="t.echo" payload={() => ({ click: ++clicks })} onSuccess={onSuccess}>
        Send
      </RequestButton>,
    );
    const button = screen.getByRole("button", { name: "Send" });
    await user.click(button);
    await waitFor(() => expect(onSuccess).toHaveBeenLastCalledWith({ click: 1 }));
    await user.click(button);
    await waitFor(() => expect(onSuccess).toHaveBeenLastCalledWith({ click: 2 }));
  });

  it("shows streaming while chunks arrive", async () => {
    const user = userEvent.setup();
    renderInProvider(<RequestButton type="t.stream">Stream</RequestButton>);
    await user.click(screen.getByRole("button", { name: "Stream" }));
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Stream" })).toHaveAttribute(
        "data-state",
        "streaming",
      ),
    );
    gate.open();
    await waitFor(() =>
      expect(screen.getByRole("button")).toHaveAttribute("data-state", "success"),
    );
  });

  it("reports an error through onError and data-state", async () => {
    const user = userEvent.setup();
    const onError = jest.fn();
    renderInProvider(
      <RequestButton type="t.fail" onError={onError}>
        Upload
      </RequestButton>,
    );
    await user.click(screen.getByRole("button", { name: "Upload" }));
    gate.open();
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Upload" })).toHaveAttribute("data-state", "error"),
    );
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: "WORKER_ERROR", message: "quota exceeded" }),
    );
  });

  it("shows the error after the button and gives it as the button's description", async () => {
    const user = userEvent.setup();
    renderInProvider(
      <RequestButton type="t.fail" aria-describedby="hint">
        Upload
      </RequestButton>,
    );
    const button = screen.getByRole("button", { name: "Upload" });
    expect(button).toHaveAttribute("aria-describedby", "hint");
    await user.click(button);
    gate.open();
    const message = await screen.findByText("Failed: quota exceeded");
    expect(message).toHaveAttribute("aria-live", "polite");
    expect(message).toHaveAttribute("data-state", "error");
    expect(button.getAttribute("aria-describedby")?.split(" ")).toEqual(["hint", message.id]);
    expect(
      screen.getByRole("button", { name: "Upload", description: "Failed: quota exceeded" }),
    ).toBeInTheDocument();

    // The next run clears it.
    gate = deferred();
    await user.click(button);
    expect(screen.queryByText("Failed: quota exceeded")).toBeNull();
    expect(button).toHaveAttribute("aria-describedby", "hint");
    gate.open();
    await screen.findByText("Failed: quota exceeded");
  });

  it("says Cancelled after a cancel; renderError words it; showError={false} renders the button alone", async () => {
    const user = userEvent.setup();
    renderInProvider(
      <>
        <RequestButton type="t.stream" cancelable>
          Plain
        </RequestButton>
        <RequestButton
          type="t.stream"
          cancelable
          renderError={(error) => `Stopped (${error.code})`}
        >
          Worded
        </RequestButton>
        <RequestButton type="t.fail" showError={false}>
          Silent
        </RequestButton>
      </>,
    );
    for (const name of ["Plain", "Worded"]) {
      await user.click(screen.getByRole("button", { name }));
      await user.click(screen.getByRole("button", { name: "Cancel" }));
    }
    const plain = screen.getByRole("button", { name: "Plain", description: "Cancelled" });
    expect(plain).toHaveAttribute("data-state", "error");
    // A cancel is marked as such, so the stylesheet does not dress it as a failure.
    expect(plain).toHaveAttribute("data-cancelled", "");
    expect(
      screen.getByRole("button", { name: "Worded", description: "Stopped (CANCELLED)" }),
    ).toBeInTheDocument();

    const silent = screen.getByRole("button", { name: "Silent" });
    await user.click(silent);
    gate.open();
    await waitFor(() => expect(silent).toHaveAttribute("data-state", "error"));
    expect(silent).not.toHaveAttribute("data-cancelled");
    expect(silent).not.toHaveAttribute("aria-describedby");
    expect(silent.nextElementSibling).toBeNull();
    expect(screen.queryByText(/quota exceeded/)).toBeNull();
  });

  it("with cancelable, becomes a cancel control while running and cancels on click", async () => {
    const user = userEvent.setup();
    const onError = jest.fn();
    renderInProvider(
      <RequestButton type="t.stream" cancelable cancelLabel="Stop" onError={onError}>
        Start
      </RequestButton>,
    );
    await user.click(screen.getByRole("button", { name: "Start" }));
    const stop = screen.getByRole("button", { name: "Stop" });
    expect(stop).toBeEnabled();
    expect(stop).toHaveAttribute("aria-busy", "true");

    await user.click(stop);
    const start = screen.getByRole("button", { name: "Start" });
    expect(start).toHaveAttribute("data-state", "error");
    await waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: "CANCELLED" })),
    );
    await waitFor(() => expect(aborted).toBe(1));
  });

  it("is reachable and operable by keyboard", async () => {
    const user = userEvent.setup();
    const onSuccess = jest.fn();
    gate.open();
    renderInProvider(
      <RequestButton type="t.echo" payload="typed" onSuccess={onSuccess}>
        Go
      </RequestButton>,
    );
    await user.tab();
    expect(screen.getByRole("button", { name: "Go" })).toHaveFocus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(onSuccess).toHaveBeenCalledWith("typed"));
  });

  it("passes className and button attributes through", () => {
    renderInProvider(
      <RequestButton type="t.echo" className="primary" title="Runs the echo" id="echo">
        Echo
      </RequestButton>,
    );
    const button = screen.getByRole("button", { name: "Echo" });
    expect(button).toHaveClass("tb-button", "primary");
    expect(button).toHaveAttribute("title", "Runs the echo");
    expect(button).toHaveAttribute("type", "button");
  });

  it("cancels its request when unmounted mid-stream, without reporting it or warning", async () => {
    const user = userEvent.setup();
    const consoleError = jest.spyOn(console, "error");
    const onError = jest.fn();
    const { unmount } = renderInProvider(
      <RequestButton type="t.stream" onError={onError}>
        Run
      </RequestButton>,
    );
    await user.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() =>
      expect(screen.getByRole("button")).toHaveAttribute("data-state", "streaming"),
    );
    unmount();
    await waitFor(() => expect(aborted).toBe(1));
    expect(onError).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });
});
