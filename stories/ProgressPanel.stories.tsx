import type { Meta, StoryObj } from "@storybook/react-vite";
import type { OwnRequestProps } from "@taskbridge/react";
import { ProgressPanel, type ProgressPanelBaseProps } from "@taskbridge/react";
import { expect, userEvent, waitFor, within } from "storybook/test";
import { requestView } from "./support/requestView.js";
import {
  type SimulationArgs,
  simulationArgTypes,
  withoutSimulationArgs,
  withSimulatedBackend,
} from "./support/simulation.js";
import { USER_ERRORS } from "./support/userErrors.js";

/**
 * `ProgressPanel`: a labelled progressbar, the latest message, elapsed time and time left, a
 * cancel button while the request runs, and a status line. Given `type` and `payload` it
 * starts its own request on mount; "State" stories feed it a frozen request.
 */
const meta = {
  title: "Components/ProgressPanel",
  component: ProgressPanel,
  tags: ["autodocs"],
  decorators: [withSimulatedBackend],
  args: { type: "demo.progress", payload: { steps: 5, delayMs: 60 }, label: "Import" },
  argTypes: { request: { control: false }, now: { control: false } },
  render: (args) => <ProgressPanel {...withoutSimulationArgs(args)} />,
} satisfies Meta<typeof ProgressPanel>;

export default meta;

type Story = StoryObj<typeof meta>;
type SimulatedStory = StoryObj<
  ProgressPanelBaseProps & OwnRequestProps & { payload?: unknown } & SimulationArgs
>;

const status = (canvasElement: HTMLElement) => within(canvasElement).getByRole("status");
const bar = (canvasElement: HTMLElement) => within(canvasElement).getByRole("progressbar");

/** `demo.progress` counts its steps to the end: the bar fills and the status says Done. */
export const RunsToDone: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(status(canvasElement)).toHaveTextContent("Done · 5 of 5 (100%)"));
    await expect(bar(canvasElement)).toHaveAccessibleName("Import");
    await expect(bar(canvasElement)).toHaveAttribute("aria-valuenow", "5");
    await expect(bar(canvasElement)).toHaveAttribute("aria-valuemax", "5");
  },
};

/** The panel's Cancel button stops the request: the status says Cancelled. */
export const Cancel: Story = {
  args: { payload: { steps: 100, delayMs: 200 } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(status(canvasElement)).toHaveTextContent("Cancelled"));
    await expect(canvas.queryByRole("button", { name: "Cancel" })).toBeNull();
    await expect(canvasElement.querySelector(".tb-progress")).toHaveAttribute("data-cancelled");
  },
};

/** A handler that throws: the status says Failed with its message. */
export const Fails: Story = {
  args: { type: "demo.fail", payload: { message: "the source file is corrupt" } },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Failed: the source file is corrupt"),
    );
  },
};

/** The worker dies halfway; the panel restarts on attempt 2 and finishes. */
export const RestartedAfterCrash: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { type: "story.crash-once", payload: { n: 6 }, chunkRate: 20 },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(status(canvasElement)).toHaveTextContent("Done"));
    await expect(canvasElement.querySelector(".tb-progress")).toHaveAttribute("data-attempt", "2");
  },
};

/** Slow network: the panel says Starting… until the first progress arrives. */
export const SlowNetwork: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { payload: { steps: 10, delayMs: 100 }, latencyMs: 2000, jitterMs: 1000 },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(status(canvasElement)).toHaveTextContent("Starting…"));
  },
};

/** A 50,000-line job reporting progress every 1,000 lines. */
export const LongStream: Story = {
  args: { type: "story.lines", payload: { n: 50_000 }, label: "Dump the log" },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(status(canvasElement)).toHaveTextContent("Done · 50000 of 50000 (100%)"),
    );
  },
};

/** Every knob of the memory transport on a paced job with messages. */
export const Playground: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: {
    type: "story.tail",
    payload: { n: 100 },
    latencyMs: 300,
    jitterMs: 300,
    failureRate: 0,
    failWith: "UNAVAILABLE",
    chunkRate: 10,
  },
};

// Frozen states.
export const StateIdle: Story = {
  render: () => <ProgressPanel request={requestView({ status: "idle" })} label="Import" />,
};
export const StatePending: Story = {
  render: () => <ProgressPanel request={requestView({ status: "pending" })} label="Import" />,
  play: async ({ canvasElement }) => {
    await expect(bar(canvasElement)).not.toHaveAttribute("aria-valuenow");
    await expect(status(canvasElement)).toHaveTextContent("Starting…");
  },
};
export const StateStreaming: Story = {
  render: () => (
    <ProgressPanel
      request={requestView({
        status: "streaming",
        progress: { done: 42, total: 120, message: "importing rows" },
        elapsedMs: 30_000,
      })}
      label="Import"
    />
  ),
  play: async ({ canvasElement }) => {
    await expect(status(canvasElement)).toHaveTextContent("Running · 42 of 120 (35%)");
    await expect(canvasElement).toHaveTextContent("importing rows");
    await expect(canvasElement).toHaveTextContent("About 56s left");
  },
};
export const StateIndeterminate: Story = {
  render: () => (
    <ProgressPanel
      request={requestView({ status: "streaming", progress: { done: 7, message: "7 files" } })}
      label="Import"
    />
  ),
};
export const StateSuccess: Story = {
  render: () => (
    <ProgressPanel
      request={requestView({ status: "success", progress: { done: 120, total: 120 } })}
      label="Import"
    />
  ),
};
export const StateCancelled: Story = {
  render: () => (
    <ProgressPanel
      request={requestView({
        status: "error",
        progress: { done: 12, total: 120 },
        error: USER_ERRORS.CANCELLED,
      })}
      label="Import"
    />
  ),
};
export const StateRestarted: Story = {
  render: () => (
    <ProgressPanel
      request={requestView({ status: "pending", attempt: 2, elapsedMs: 45_000 })}
      label="Import"
    />
  ),
  play: async ({ canvasElement }) => {
    await expect(status(canvasElement)).toHaveTextContent("Restarted (attempt 2)");
  },
};

// Failed, once for each error a user can meet: the status line carries the message.
const failed =
  (code: keyof typeof USER_ERRORS): Story["render"] =>
  () => (
    <ProgressPanel
      request={requestView({
        status: "error",
        progress: { done: 3, total: 10 },
        error: USER_ERRORS[code],
      })}
      label="Import"
    />
  );
const showsFailure =
  (code: keyof typeof USER_ERRORS): Story["play"] =>
  async ({ canvasElement }) => {
    await expect(status(canvasElement)).toHaveTextContent(`Failed: ${USER_ERRORS[code].message}`);
  };
export const StateErrorTimeout: Story = {
  render: failed("TIMEOUT"),
  play: showsFailure("TIMEOUT"),
};
export const StateErrorUnavailable: Story = {
  render: failed("UNAVAILABLE"),
  play: showsFailure("UNAVAILABLE"),
};
export const StateErrorWorkerError: Story = {
  render: failed("WORKER_ERROR"),
  play: showsFailure("WORKER_ERROR"),
};
export const StateErrorWorkerCrashed: Story = {
  render: failed("WORKER_CRASHED"),
  play: showsFailure("WORKER_CRASHED"),
};
export const StateErrorRateLimited: Story = {
  render: failed("RATE_LIMITED"),
  play: showsFailure("RATE_LIMITED"),
};
export const StateErrorUnauthorized: Story = {
  render: failed("UNAUTHORIZED"),
  play: showsFailure("UNAUTHORIZED"),
};
export const StateErrorForbidden: Story = {
  render: failed("FORBIDDEN"),
  play: showsFailure("FORBIDDEN"),
};
export const StateErrorPayloadTooLarge: Story = {
  render: failed("PAYLOAD_TOO_LARGE"),
  play: showsFailure("PAYLOAD_TOO_LARGE"),
};
export const StateErrorUnknownType: Story = {
  render: failed("UNKNOWN_TYPE"),
  play: showsFailure("UNKNOWN_TYPE"),
};
export const StateErrorBadRequest: Story = {
  render: failed("BAD_REQUEST"),
  play: showsFailure("BAD_REQUEST"),
};
export const StateErrorNotFound: Story = {
  render: failed("NOT_FOUND"),
  play: showsFailure("NOT_FOUND"),
};
export const StateErrorInternal: Story = {
  render: failed("INTERNAL"),
  play: showsFailure("INTERNAL"),
};
