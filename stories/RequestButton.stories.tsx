import type { Meta, StoryObj } from "@storybook/react-vite";
import type { OwnRequestProps } from "@taskbridge/react";
import { RequestButton, type RequestButtonBaseProps } from "@taskbridge/react";
import { expect, userEvent, waitFor, within } from "storybook/test";
import { ButtonWithOutcome } from "./support/ButtonWithOutcome.js";
import { requestView, sampleLines } from "./support/requestView.js";
import {
  type SimulationArgs,
  simulationArgTypes,
  withoutSimulationArgs,
  withSimulatedBackend,
} from "./support/simulation.js";
import { USER_ERRORS } from "./support/userErrors.js";

/**
 * `RequestButton` runs a request on click. Stories under "State" feed it a frozen request;
 * the others run a real request on a memory transport (the Controls under "Memory transport"
 * set its latency, jitter, failures and chunk rate) or, with the toolbar's Transport set to
 * live, on the gateway.
 */
const meta = {
  title: "Components/RequestButton",
  component: RequestButton,
  tags: ["autodocs"],
  decorators: [withSimulatedBackend],
  args: { type: "demo.echo", payload: { hello: "world" }, children: "Echo" },
  argTypes: { request: { control: false }, onSuccess: { control: false } },
  render: (args) => <ButtonWithOutcome {...withoutSimulationArgs(args)} />,
} satisfies Meta<typeof RequestButton>;

export default meta;

type Story = StoryObj<typeof meta>;
/** A story with the memory transport's knobs in its Controls. */
type SimulatedStory = StoryObj<
  RequestButtonBaseProps<unknown, unknown> & OwnRequestProps & SimulationArgs
>;

const button = (canvasElement: HTMLElement) => within(canvasElement).getByRole("button");

/** Click, and the echoed payload comes back: `data-state` goes to `success`. */
export const ClickToResult: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(button(canvasElement)).toHaveAttribute("data-state", "idle");
    await userEvent.click(button(canvasElement));
    await waitFor(() => expect(button(canvasElement)).toHaveAttribute("data-state", "success"));
    await expect(canvas.getByRole("status")).toHaveTextContent('Result: {"hello":"world"}');
  },
};

/** `cancelable`: while the request runs the button turns into a cancel control. */
export const Cancel: Story = {
  args: { type: "story.hold", payload: {}, cancelable: true, children: "Start" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole("button", { name: "Start" }));
    const cancel = await canvas.findByRole("button", { name: "Cancel" });
    await expect(cancel).toHaveAttribute("aria-busy", "true");
    await userEvent.click(cancel);
    await waitFor(() => expect(button(canvasElement)).toHaveAttribute("data-state", "error"));
    await expect(canvas.getByRole("alert")).toHaveTextContent(
      "CANCELLED: the request was cancelled",
    );
    await expect(canvas.getByRole("button", { name: "Start" })).toBeEnabled();
    // The button itself says so, to the eye and as its accessible description.
    await expect(button(canvasElement)).toHaveAccessibleDescription("Cancelled");
  },
};

/** Without `cancelable`, the button is disabled and busy while its request runs. */
export const PendingDisabled: Story = {
  args: { type: "story.hold", payload: {}, children: "Start" },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await waitFor(() => expect(button(canvasElement)).toBeDisabled());
    await expect(button(canvasElement)).toHaveAttribute("aria-busy", "true");
    await expect(button(canvasElement)).toHaveAttribute("data-state", "pending");
  },
};

/** A handler that throws: `WORKER_ERROR` with its message (the reference `demo.fail`). */
export const WorkerError: Story = {
  args: { type: "demo.fail", payload: { message: "the printer is on fire" }, children: "Print" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(button(canvasElement));
    await expect(await canvas.findByRole("alert")).toHaveTextContent(
      "WORKER_ERROR: the printer is on fire",
    );
    await expect(button(canvasElement)).toHaveAttribute("data-state", "error");
    await expect(button(canvasElement)).toHaveAccessibleDescription(
      "Failed: the printer is on fire",
    );
  },
};

/** Slow network: 1.5 s latency and up to 1 s jitter on every request. */
export const SlowNetwork: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { latencyMs: 1500, jitterMs: 1000 },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await expect(button(canvasElement)).toHaveAttribute("aria-busy", "true");
    await waitFor(() => expect(button(canvasElement)).toHaveAttribute("data-state", "success"));
  },
};

/** A 50,000-line stream: the button stays busy until the last line, then succeeds. */
export const LongStream: Story = {
  args: { type: "story.lines", payload: { n: 50_000 }, children: "Dump the log" },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await expect(await within(canvasElement).findByRole("status")).toHaveTextContent(
      'Result: {"lines":50000}',
    );
  },
};

/** Every knob of the memory transport, on a paced stream (`story.tail`). Play with Controls. */
export const Playground: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: {
    type: "story.tail",
    payload: { n: 20 },
    cancelable: true,
    children: "Stream 20 lines",
    latencyMs: 300,
    jitterMs: 200,
    failureRate: 0,
    failWith: "UNAVAILABLE",
    chunkRate: 10,
  },
};

/** The worker dies halfway; the request restarts (attempt 2) and still succeeds. */
export const RestartedAfterCrash: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { type: "story.crash-once", payload: { n: 6 }, children: "Run flaky job" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(button(canvasElement));
    await expect(await canvas.findByRole("status")).toHaveTextContent(
      'Result: {"lines":6,"attempt":2}',
    );
  },
};

// Errors a user can meet, each on a real request through the memory transport.
const failsWith =
  (code: keyof typeof USER_ERRORS): SimulatedStory["play"] =>
  async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    const { message } = USER_ERRORS[code];
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      `${code}: ${message}`,
    );
    await expect(button(canvasElement)).toHaveAttribute("data-state", "error");
    await expect(button(canvasElement)).toHaveAccessibleDescription(`Failed: ${message}`);
  };

/** The client's wait ran out (`timeoutMs` 300 on a request that never ends). */
export const ErrorTimeout: Story = {
  args: { type: "story.hold", payload: {}, timeoutMs: 300, children: "Run" },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "TIMEOUT: no result within 300 ms",
    );
  },
};
/** No service serves the type. */
export const ErrorUnknownType: Story = {
  args: { type: "report.generat", children: "Run" },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "UNKNOWN_TYPE: no service serves report.generat",
    );
  },
};
/** A payload over 1 MiB is refused before it is sent on. */
export const ErrorPayloadTooLarge: Story = {
  args: { payload: () => ({ blob: "x".repeat(1_100_000) }), children: "Upload" },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      /PAYLOAD_TOO_LARGE: payload is \d+ bytes; the limit is 1048576/,
    );
  },
};
/** The worker crashed on every attempt: the delivery limit ends the request. */
export const ErrorWorkerCrashed: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { crashAfterFrames: 0, children: "Run" },
  play: async ({ canvasElement }) => {
    await userEvent.click(button(canvasElement));
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "WORKER_CRASHED: the worker crashed 4 times",
    );
  },
};
export const ErrorUnavailable: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "UNAVAILABLE", children: "Run" },
  play: failsWith("UNAVAILABLE"),
};
export const ErrorRateLimited: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "RATE_LIMITED", children: "Run" },
  play: failsWith("RATE_LIMITED"),
};
export const ErrorUnauthorized: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "UNAUTHORIZED", children: "Run" },
  play: failsWith("UNAUTHORIZED"),
};
export const ErrorForbidden: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "FORBIDDEN", children: "Run" },
  play: failsWith("FORBIDDEN"),
};
export const ErrorBadRequest: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "BAD_REQUEST", children: "Run" },
  play: failsWith("BAD_REQUEST"),
};
export const ErrorNotFound: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "NOT_FOUND", children: "Run" },
  play: failsWith("NOT_FOUND"),
};
export const ErrorInternal: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { failureRate: 1, failWith: "INTERNAL", children: "Run" },
  play: failsWith("INTERNAL"),
};

// Frozen states: the button fed a request that stays put.
export const StateIdle: Story = {
  args: { request: requestView({ status: "idle" }), children: "Generate report" },
};
export const StatePending: Story = {
  render: () => (
    <RequestButton request={requestView({ status: "pending" })}>Generate</RequestButton>
  ),
};
export const StatePendingCancelable: Story = {
  render: () => (
    <RequestButton request={requestView({ status: "pending" })} cancelable>
      Generate
    </RequestButton>
  ),
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole("button", { name: "Cancel" })).toHaveAttribute(
      "data-state",
      "pending",
    );
  },
};
export const StateStreaming: Story = {
  render: () => (
    <RequestButton
      request={requestView({ status: "streaming", chunks: sampleLines(3) })}
      cancelable
    >
      Generate
    </RequestButton>
  ),
};
export const StateSuccess: Story = {
  render: () => (
    <RequestButton request={requestView({ status: "success", data: { url: "/r.pdf" } })}>
      Generate again
    </RequestButton>
  ),
};
/** A failed request: the message follows the button and is its accessible description. */
export const StateError: Story = {
  render: () => (
    <RequestButton request={requestView({ status: "error", error: USER_ERRORS.WORKER_ERROR })}>
      Try again
    </RequestButton>
  ),
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText(/^Failed:/)).toHaveTextContent(
      `Failed: ${USER_ERRORS.WORKER_ERROR.message}`,
    );
    await expect(button(canvasElement)).toHaveAccessibleDescription(
      `Failed: ${USER_ERRORS.WORKER_ERROR.message}`,
    );
  },
};
export const StateCancelled: Story = {
  render: () => (
    <RequestButton request={requestView({ status: "error", error: USER_ERRORS.CANCELLED })}>
      Generate
    </RequestButton>
  ),
  play: async ({ canvasElement }) => {
    await expect(button(canvasElement)).toHaveAccessibleDescription("Cancelled");
  },
};
/** `showError={false}`: the button alone, for an app that shows the error its own way. */
export const StateErrorWithoutMessage: Story = {
  render: () => (
    <RequestButton
      request={requestView({ status: "error", error: USER_ERRORS.WORKER_ERROR })}
      showError={false}
    >
      Try again
    </RequestButton>
  ),
  play: async ({ canvasElement }) => {
    await expect(button(canvasElement)).not.toHaveAttribute("aria-describedby");
    await expect(canvasElement).not.toHaveTextContent(USER_ERRORS.WORKER_ERROR.message);
  },
};
export const StateRestarted: Story = {
  render: () => (
    <RequestButton request={requestView({ status: "pending", attempt: 2 })}>Generate</RequestButton>
  ),
};
