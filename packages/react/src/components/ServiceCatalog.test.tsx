import type { ServiceCatalogEntry } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { BackendProvider } from "../hooks/BackendProvider.js";
import { ServiceCatalog } from "./ServiceCatalog.js";

const catalog: ServiceCatalogEntry[] = [
  {
    type: "example.report",
    description: "Builds a monthly report.",
    version: "1",
    payloadSchema: { type: "object", required: ["month"] },
    resultSchema: { type: "object" },
    workers: [{ id: "py-1", language: "python", sdkVersion: "0.1.0" }],
  },
  {
    type: "example.greet",
    workers: [
      { id: "w-a", language: "typescript", sdkVersion: "0.1.0" },
      { id: "w-b", language: "typescript", sdkVersion: "0.1.0" },
    ],
  },
  { type: "old.thing", stale: true, workers: [] },
];

describe("ServiceCatalog", () => {
  it("lists each service with its version, description, workers and collapsible schemas", async () => {
    const user = userEvent.setup();
    render(<ServiceCatalog services={catalog} label="What runs" />);
    const region = screen.getByRole("region", { name: "What runs" });
    expect(region).toHaveAttribute("data-state", "success");
    expect(screen.getByRole("status")).toHaveTextContent("3 services");
    expect(screen.queryByRole("button", { name: "Refresh" })).toBeNull();

    const report = screen.getByRole("listitem", { name: "example.report" });
    expect(within(report).getByRole("heading")).toHaveTextContent("example.report v1");
    expect(report).toHaveTextContent("Builds a monthly report.");
    expect(
      within(report).getByRole("list", { name: "Workers of example.report" }),
    ).toHaveTextContent("py-1 · python · SDK 0.1.0");
    const payload = within(report).getByText("Payload schema");
    const schemaText = within(report).getByText(/"required"/);
    expect(schemaText).not.toBeVisible();
    await user.click(payload);
    expect(schemaText).toBeVisible();
    expect(schemaText.textContent).toBe(
      JSON.stringify({ type: "object", required: ["month"] }, null, 2),
    );
    expect(within(report).getByText("Result schema")).toBeInTheDocument();
    expect(within(report).queryByText("Chunk schema")).toBeNull();

    const greet = screen.getByRole("listitem", { name: "example.greet" });
    expect(within(greet).getAllByRole("listitem")).toHaveLength(2);
    expect(greet).toHaveTextContent("No schemas announced");

    const old = screen.getByRole("listitem", { name: "old.thing" });
    expect(old).toHaveAttribute("data-stale");
    expect(within(old).getByRole("heading")).toHaveTextContent("old.thing (stale)");
    expect(old).toHaveTextContent("No live worker");
  });

  it("asks the transport, shows pending then the catalog, and refreshes on the button", async () => {
    const user = userEvent.setup();
    let answer: ServiceCatalogEntry[] = catalog.slice(0, 1);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transport = createMemoryTransport({
      handlers: {
        "taskbridge.services": async () => {
          await gate;
          return { services: answer };
        },
      },
    });
    render(
      <BackendProvider transport={transport}>
        <ServiceCatalog refreshMs={0} />
      </BackendProvider>,
    );
    const region = screen.getByRole("region", { name: "Services" });
    expect(region).toHaveAttribute("data-state", "pending");
    expect(region).toHaveAttribute("aria-busy", "true");
    expect(screen.getByRole("status")).toHaveTextContent("Loading services…");
    await act(async () => release());
    expect(await screen.findByText("1 service")).toBeInTheDocument();
    expect(region).toHaveAttribute("data-state", "success");

    answer = catalog;
    await user.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("3 services")).toBeInTheDocument();
    await transport.close();
  });

  it("says so when there are no services, and alerts when the catalog cannot be read", async () => {
    const { unmount } = render(<ServiceCatalog services={[]} />);
    expect(screen.getByRole("status")).toHaveTextContent("No services are announced");
    expect(screen.queryByRole("list")).toBeNull();
    unmount();

    const transport = createMemoryTransport({ handlers: {} });
    render(<ServiceCatalog transport={transport} refreshMs={0} />);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not load the services: no service serves taskbridge.services",
    );
    expect(screen.getByRole("region", { name: "Services" })).toHaveAttribute("data-state", "error");
    await transport.close();
  });
});
