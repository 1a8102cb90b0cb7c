import type { Decorator, Meta, StoryObj } from "@storybook/react-vite";
import type { ServiceCatalogEntry } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { createError } from "@taskbridge/core/protocol";
import { BackendProvider, ServiceCatalog } from "@taskbridge/react";
import { type ReactNode, useEffect, useMemo } from "react";
import { expect, userEvent, waitFor, within } from "storybook/test";
import { greetAnnouncement } from "./support/greetAnnouncement.js";

// A catalog as a gateway lists it: the TypeScript example announces its zod contract (converted
// exactly as its worker does, support/greetAnnouncement.ts), the Python example its TypedDict
// hints (as the SDK writes them), and a type whose worker went away is stale.
const greet = greetAnnouncement;
const CATALOG: ServiceCatalogEntry[] = [
  {
    type: "example.greet",
    queue: "example.greet",
    ...greet,
    workers: [
      { id: "w-4f1c2a9b7d3e", language: "typescript", sdkVersion: "0.1.0" },
      { id: "w-a81d0c55e2f4", language: "typescript", sdkVersion: "0.1.0" },
    ],
  },
  {
    type: "example.report",
    queue: "example.report",
    version: "1",
    description: "Builds a monthly report, streaming one line per page.",
    payloadSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "ReportRequest",
      type: "object",
      properties: {
        month: { type: "string", pattern: "^[0-9]{4}-(0[1-9]|1[0-2])$" },
        format: { enum: ["pdf", "csv"] },
        pages: { type: "integer", minimum: 1, maximum: 50 },
      },
      required: ["month", "format"],
    },
    chunkSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "ReportLine",
      type: "object",
      properties: { page: { type: "integer" }, text: { type: "string" } },
      required: ["page", "text"],
    },
    resultSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Report",
      type: "object",
      properties: { url: { type: "string" }, pages: { type: "integer" } },
      required: ["url", "pages"],
    },
    workers: [{ id: "py-9c03e1b2aa71", language: "python", sdkVersion: "0.1.0" }],
  },
  {
    type: "legacy.export",
    queue: "legacy.export",
    description: "Exports to the old format.",
    stale: true,
    workers: [],
  },
];

/**
 * What `taskbridge.services` does in a story, by name (`parameters.catalog`): a name, not the
 * array itself, because Storybook may hand each render a fresh copy of the parameters, and a
 * new answer would make a new transport on every render.
 */
const ANSWERS = {
  full: CATALOG,
  empty: [],
  unavailable: "unavailable",
  never: "never",
} as const satisfies Record<string, readonly ServiceCatalogEntry[] | "unavailable" | "never">;
type CatalogAnswer = keyof typeof ANSWERS;

function CatalogBackend({ name, children }: { name: CatalogAnswer; children: ReactNode }) {
  const transport = useMemo(
    () =>
      createMemoryTransport({
        handlers: {
          "taskbridge.services": (_payload: null, ctx) => {
            const answer = ANSWERS[name];
            if (answer === "unavailable") {
              throw createError("UNAVAILABLE", "the gateway is not reachable", { retryable: true });
            }
            if (answer === "never") {
              return new Promise<never>((_resolve, reject) =>
                ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
              );
            }
            return { services: answer };
          },
        },
      }),
    [name],
  );
  useEffect(() => () => void transport.close(), [transport]);
  return <BackendProvider transport={transport}>{children}</BackendProvider>;
}

/** `parameters.catalog` picks the answer; `parameters.catalog: "toolbar"` keeps the toolbar's transport. */
const withCatalog: Decorator = (Story, { parameters }) => {
  const name = (parameters.catalog ?? "full") as CatalogAnswer | "toolbar";
  if (name === "toolbar") return <Story />;
  return (
    <CatalogBackend name={name}>
      <Story />
    </CatalogBackend>
  );
};

/**
 * `ServiceCatalog`: what runs behind the transport — each type with its version, description,
 * workers (id, language, SDK version) and JSON Schemas in collapsible sections, stale types
 * marked — from `taskbridge.services`, refreshed every `refreshMs` and by its button.
 */
const meta = {
  title: "Components/ServiceCatalog",
  component: ServiceCatalog,
  tags: ["autodocs"],
  decorators: [withCatalog],
  args: { label: "Services", refreshMs: 0 },
  argTypes: { services: { control: false }, transport: { control: false } },
} satisfies Meta<typeof ServiceCatalog>;

export default meta;
type Story = StoryObj<typeof meta>;

const region = (canvasElement: HTMLElement) =>
  within(canvasElement).getByRole("region", { name: "Services" });

/** A TypeScript and a Python service, and a stale one; a schema opens on click. */
export const Catalog: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText("3 services")).toBeVisible();
    const report = canvas.getByRole("listitem", { name: "example.report" });
    await expect(report).toHaveTextContent("py-9c03e1b2aa71 · python · SDK 0.1.0");
    await userEvent.click(within(report).getByText("Payload schema"));
    await expect(within(report).getByText(/"month"/)).toBeVisible();
    const greetItem = canvas.getByRole("listitem", { name: "example.greet" });
    await expect(within(greetItem).getAllByRole("listitem")).toHaveLength(2);
    const stale = canvas.getByRole("listitem", { name: "legacy.export" });
    await expect(stale).toHaveAttribute("data-stale");
    await expect(within(stale).getByRole("heading")).toHaveTextContent(
      /legacy\.export\s*\(stale\)/,
    );
    await expect(stale).toHaveTextContent("No live worker");
  },
};

/** Nothing announced yet: the workers are not running (or not announcing). */
export const Empty: Story = {
  parameters: { catalog: "empty" },
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText("No services are announced")).toBeVisible();
    await expect(region(canvasElement)).toHaveAttribute("data-state", "success");
  },
};

/** The catalog cannot be read: an alert says why. */
export const Unreachable: Story = {
  parameters: { catalog: "unavailable" },
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "Could not load the services: the gateway is not reachable",
    );
    await expect(region(canvasElement)).toHaveAttribute("data-state", "error");
  },
};

/** Waiting for the first answer. */
export const Loading: Story = {
  parameters: { catalog: "never" },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole("status")).toHaveTextContent("Loading services…");
    await expect(region(canvasElement)).toHaveAttribute("aria-busy", "true");
  },
};

/**
 * On the toolbar's transport: with "Live gateway" it lists what runs there (start the gateway
 * and workers, e.g. `npm start`); the memory transport's reference handlers have no catalog,
 * so it says it could not load one.
 */
export const OnToolbarTransport: Story = {
  parameters: { catalog: "toolbar" },
  args: { refreshMs: 10_000 },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(region(canvasElement).getAttribute("data-state")).not.toBe("pending"),
    );
  },
};
