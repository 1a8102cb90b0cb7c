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
