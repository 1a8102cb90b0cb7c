import type { Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App.js";

// The demo runs on any transport: here the memory transport with the very handlers the demo's
// workers serve, so the page's behaviour is checked without a gateway or RabbitMQ.
describe("the demo App", () => {
  let transport: Transport;
  beforeEach(() => {
    transport = createMemoryTransport({ handlers: referenceHandlers });
  });
  afterEach(async () => {
    cleanup(); // unmount before the transport closes, so no update lands outside act()
    await transport.close();
  });

  it("echoes, fails with the message, and shows the connection", async () => {
    const user = userEvent.setup();
    render(
      <App
        transport={transport}
        config={{ mode: "live", python: { available: false, note: "No Python here." } }}
      />,
    );
    expect(screen.getByRole("status", { name: "Connection" })).toHaveTextContent("Connected");

    const quick = screen.getByRole("region", { name: "Quick request" });
    await user.clear(within(quick).getByLabelText("Message"));
    await user.type(within(quick).getByLabelText("Message"), "hi");
    await user.click(within(quick).getByRole("button", { name: "Send" }));
    expect(await within(quick).findByText(/Echoed “hi”/)).toBeInTheDocument();

    const failing = screen.getByRole("region", { name: "An error" });
    await user.click(within(failing).getByRole("button", { name: "Run failing task" }));
    expect(await within(failing).findByRole("alert")).toHaveTextContent(
      "WORKER_ERROR The printer is on fire",
    );
  });

  it("gives the long task one cancel control, and a cancel does not look like a failure", async () => {
    const user = userEvent.setup();
    render(
      <App
        transport={transport}
        config={{ mode: "live", python: { available: false, note: "No Python here." } }}
      />,
    );
    const task = screen.getByRole("region", { name: "Long task" });
    await user.click(within(task).getByRole("button", { name: "Start task" }));
    await within(task).findByText(/^Running · \d+ of 20/);
    // One way to stop it: the progress panel's Cancel; the start button only waits.
    expect(within(task).getAllByRole("button", { name: /cancel|stop/i })).toHaveLength(1);
    const start = within(task).getByRole("button", { name: "Running…" });
    expect(start).toBeDisabled();
    expect(start).toHaveAttribute("aria-busy", "true");

    await user.click(within(task).getByRole("button", { name: "Cancel task" }));
    expect(await within(task).findByText(/^Cancelled/)).toBeInTheDocument();
    // The request ended in CANCELLED: the button and the panel say it was a cancel, which the
    // stylesheet shows in grey, not as an error.
    expect(within(task).getByRole("button", { name: "Run again" })).toHaveAttribute(
      "data-cancelled",
    );
    expect(within(task).getByRole("region", { name: "Task progress" })).toHaveAttribute(
      "data-cancelled",
    );

    const stream = screen.getByRole("region", { name: "Streamed log" });
    await user.click(within(stream).getByRole("button", { name: "Stream 100 lines" }));
    await user.click(within(stream).getByRole("button", { name: "Cancel" }));
    expect(await within(stream).findByText(/· cancelled$/)).toBeInTheDocument();
    expect(within(stream).getByRole("button", { name: "Stream 100 lines" })).toHaveAttribute(
      "data-cancelled",
    );
  });

  it("names the worker that answers each card, and the RabbitMQ image the terminal names", () => {
    render(
      <App
        transport={transport}
        config={{ mode: "embedded", python: { available: false, note: "Start RabbitMQ." } }}
      />,
    );
    for (const title of ["Quick request", "Long task", "Streamed log", "An error"]) {
      expect(screen.getByRole("region", { name: title })).toHaveTextContent("TypeScript worker");
    }
    expect(screen.getByRole("region", { name: "Python task" })).toHaveTextContent("Python worker");
    expect(screen.getByRole("region", { name: "Embedded mode" })).toHaveTextContent(
      "docker run -d --name rabbitmq -p 5672:5672 rabbitmq:3-management",
    );
  });

  it("explains embedded mode and disables the Python task with the reason", () => {
    render(
      <App
        transport={transport}
        config={{ mode: "embedded", python: { available: false, note: "Start RabbitMQ." } }}
      />,
    );
    expect(screen.getByRole("region", { name: "Embedded mode" })).toHaveTextContent(
      "RabbitMQ was not reachable",
    );
    const python = screen.getByRole("region", { name: "Python task" });
    expect(within(python).getByRole("button", { name: "Stream 30 lines" })).toBeDisabled();
    expect(within(python).getByRole("note")).toHaveTextContent("Start RabbitMQ.");
  });
});
