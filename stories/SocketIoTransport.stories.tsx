import type { Meta, StoryObj } from "@storybook/react-vite";
import { createError } from "@taskbridge/core/protocol";
import { expect, userEvent, waitFor, within } from "storybook/test";
import { mockGateway, refusingGateway } from "./msw/mockGateway.js";
import { withMockedGateway } from "./support/withMockedGateway.js";
import { TaskRunner } from "./TaskRunner.js";

/**
 * The real `createSocketIoTransport`, in the browser, against a gateway mocked with msw and
 * `@mswjs/socket.io-binding` (`stories/msw/mockGateway.ts`) that speaks docs/protocol.md §2: the
 * transport's handshake, frame checks, ordering, cancel and refusal handling all run, with no
 * server. The mock runs the reference services behind it.
 */
const meta = {
  title: "Transports/Socket.IO against a mocked gateway",
  component: TaskRunner,
  // No docs page: it would render every story at once, and msw holds one set of handlers at a
  // time (the refusing gateway of the last story would answer them all).
  tags: ["!autodocs"],
  decorators: [withMockedGateway],
  parameters: { msw: { handlers: [mockGateway()] } },
  args: { type: "demo.echo", payload: { hello: "gateway" }, label: "Echo" },
  argTypes: { request: { control: false } },
} satisfies Meta<typeof TaskRunner>;

export default meta;

type Story = StoryObj<typeof meta>;

const connected = async (canvasElement: HTMLElement) =>
  waitFor(() =>
    expect(canvasElement.querySelector('.tb-sb-connection[data-gateway="mock"]')).toHaveAttribute(
      "data-connection-state",
      "connected",
    ),
  );
const run = async (canvasElement: HTMLElement, name: string) =>
  userEvent.click(within(canvasElement).getByRole("button", { name }));

/** `demo.echo` over the wire: `accepted`, then `result` with the payload. */
export const EchoResult: Story = {
  play: async ({ canvasElement }) => {
    await connected(canvasElement);
    await run(canvasElement, "Echo");
    await expect(await within(canvasElement).findByText(/Result:/)).toHaveTextContent(
      'Result: {"hello":"gateway"}',
    );
  },
};

/** `demo.count` streams 25 chunks in order, then its result. */
export const Stream: Story = {
  args: { type: "demo.count", payload: { n: 25, delayMs: 10 }, label: "Count" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await run(canvasElement, "Count");
    await expect(await canvas.findByText(/Result:/)).toHaveTextContent('Result: {"count":25}');
    await waitFor(() => expect(canvas.getByRole("log")).toHaveTextContent('{"i":24}'));
  },
};

/** `demo.progress` frames move the progressbar. */
export const Progress: Story = {
  args: { type: "demo.progress", payload: { steps: 8, delayMs: 30 }, label: "Steps" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await run(canvasElement, "Steps");
    await waitFor(() => expect(canvas.getByRole("status")).toHaveTextContent("Done · 8 of 8"));
  },
};

/** A worker error crosses the wire as an `error` frame: code and message. */
export const WorkerError: Story = {
  args: { type: "demo.fail", payload: { message: "no such customer" }, label: "Look up" },
  play: async ({ canvasElement }) => {
    await run(canvasElement, "Look up");
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "WORKER_ERROR: no such customer",
    );
  },
};

/** A type nobody serves. */
export const UnknownType: Story = {
  args: { type: "report.generat", payload: null, label: "Generate" },
  play: async ({ canvasElement }) => {
    await run(canvasElement, "Generate");
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "UNKNOWN_TYPE: no service serves report.generat",
    );
  },
};

/** Cancel: the transport ends the request at once and sends `cancel` to the gateway. */
export const Cancel: Story = {
  args: { type: "demo.progress", payload: { steps: 100, delayMs: 200 }, label: "Import" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await run(canvasElement, "Import");
    await userEvent.click(await canvas.findByRole("button", { name: "Cancel" }));
    await expect(await canvas.findByRole("alert")).toHaveTextContent(/^CANCELLED: /);
    await expect(canvas.getByRole("status")).toHaveTextContent("Cancelled");
  },
};

/** The worker crashes on attempt 1: a `restart` frame, then attempt 2 runs to the end. */
export const RestartAfterCrash: Story = {
  parameters: {
    msw: { handlers: [mockGateway({ crash: ({ attempt }) => (attempt === 1 ? 3 : false) })] },
  },
  args: { type: "demo.count", payload: { n: 6, delayMs: 20 }, label: "Count" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await run(canvasElement, "Count");
    await expect(await canvas.findByText(/Result:/)).toHaveTextContent('Result: {"count":6}');
    await expect(canvasElement.querySelector(".tb-progress")).toHaveAttribute("data-attempt", "2");
  },
};

/** Slow network: 1.5 s between `accepted` and the handler, seen through the real transport. */
export const SlowNetwork: Story = {
  parameters: { msw: { handlers: [mockGateway({ latencyMs: 1500, jitterMs: 500 })] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await connected(canvasElement);
    await run(canvasElement, "Echo");
    await waitFor(() => expect(canvas.getByRole("status")).toHaveTextContent("Starting…"));
    await expect(await canvas.findByText(/Result:/)).toBeVisible();
  },
};

/** The gateway refuses the handshake with UNAUTHORIZED: requests end with that error. */
export const HandshakeRefused: Story = {
  parameters: {
    msw: {
      handlers: [
        refusingGateway(createError("UNAUTHORIZED", "your session has expired: sign in again")),
      ],
    },
  },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(canvasElement.querySelector('.tb-sb-connection[data-gateway="mock"]')).toHaveAttribute(
        "data-connection-state",
        "disconnected",
      ),
    );
    await run(canvasElement, "Echo");
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "UNAUTHORIZED: your session has expired: sign in again",
    );
  },
};
