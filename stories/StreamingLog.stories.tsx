import type { Meta, StoryObj } from "@storybook/react-vite";
import type { OwnRequestProps, StreamingLogBaseProps } from "@taskbridge/react";
import { StreamingLog } from "@taskbridge/react";
import { expect, waitFor, within } from "storybook/test";
import { requestView, sampleLines } from "./support/requestView.js";
import {
  type SimulationArgs,
  simulationArgTypes,
  withoutSimulationArgs,
  withSimulatedBackend,
} from "./support/simulation.js";
import { USER_ERRORS } from "./support/userErrors.js";

/**
 * `StreamingLog` shows a request's chunks as the lines of a `role="log"`, following the end
 * while the reader is there, virtualized so 50,000 lines cost a screenful of rows. Given `type`
 * and `payload` it starts its own request on mount; "State" stories feed it a frozen request.
 */
const meta = {
  title: "Components/StreamingLog",
  component: StreamingLog,
  tags: ["autodocs"],
  decorators: [withSimulatedBackend],
  args: { type: "demo.count", payload: { n: 20 }, label: "Counter" },
  argTypes: { request: { control: false }, renderChunk: { control: false } },
  render: (args) => <StreamingLog {...withoutSimulationArgs(args)} />,
} satisfies Meta<typeof StreamingLog>;

export default meta;

type Story = StoryObj<typeof meta>;
type SimulatedStory = StoryObj<
  StreamingLogBaseProps<unknown> & OwnRequestProps & { payload?: unknown } & SimulationArgs
>;

const log = (canvasElement: HTMLElement) => within(canvasElement).getByRole("log");

/** `demo.count` streams `{ i }` chunks, then succeeds. */
export const Streams: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(log(canvasElement)).toHaveAttribute("data-state", "success"));
    await expect(log(canvasElement)).toHaveAccessibleName("Counter");
    await expect(log(canvasElement)).toHaveAttribute("aria-live", "polite");
    await expect(log(canvasElement)).toHaveTextContent('{"i":19}');
  },
};

/** 50,000 lines: all arrive, the log follows the last one, and only a screenful is in the DOM. */
export const LongStream: Story = {
  args: { type: "story.lines", payload: { n: 50_000 }, label: "Build output" },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(log(canvasElement)).toHaveAttribute("data-state", "success"), {
      timeout: 15_000,
    });
    await waitFor(() => expect(log(canvasElement)).toHaveTextContent("line 50000"));
    const rows = canvasElement.querySelectorAll(".tb-log__line").length;
    await expect(rows).toBeLessThan(100);
  },
};

/** Lines paced by the chunk rate, over a slow network; every knob is in Controls. */
export const SlowNetwork: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { type: "story.tail", payload: { n: 40 }, latencyMs: 1500, jitterMs: 500, chunkRate: 20 },
  play: async ({ canvasElement }) => {
    await expect(log(canvasElement)).toHaveTextContent("No output yet.");
    await waitFor(() => expect(log(canvasElement)).toHaveAttribute("data-state", "streaming"));
  },
};

/** The worker dies halfway; the log drops attempt 1's lines and shows attempt 2's. */
export const RestartedAfterCrash: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { type: "story.crash-once", payload: { n: 6 }, chunkRate: 20 },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(log(canvasElement)).toHaveAttribute("data-state", "success"));
    await expect(log(canvasElement)).toHaveTextContent("attempt 2: line 6");
    await expect(log(canvasElement)).not.toHaveTextContent("attempt 1");
  },
};

/** A stream that fails: the lines so far stay, `data-state` is `error`, the last line says why. */
export const FailsMidStream: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { type: "story.crash-once", payload: { n: 6 }, crashAfterFrames: 2 },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(log(canvasElement)).toHaveAttribute("data-state", "error"));
    await expect(within(log(canvasElement)).getByText(/^Stopped: .+/)).toHaveAttribute(
      "data-state",
      "error",
    );
  },
};

/** Every knob of the memory transport on a paced stream. */
export const Playground: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: {
    type: "story.tail",
    payload: { n: 200 },
    latencyMs: 200,
    jitterMs: 200,
    failureRate: 0,
    failWith: "UNAVAILABLE",
    chunkRate: 30,
  },
};

// Frozen states.
export const StateIdle: Story = {
  render: () => <StreamingLog request={requestView({ status: "idle" })} label="Output" />,
};
export const StatePending: Story = {
  render: () => <StreamingLog request={requestView({ status: "pending" })} label="Output" />,
};
export const StateStreaming: Story = {
  render: () => (
    <StreamingLog
      request={requestView({ status: "streaming", chunks: sampleLines(12) })}
      label="Output"
    />
  ),
};
export const StateSuccess: Story = {
  render: () => (
    <StreamingLog
      request={requestView({ status: "success", chunks: sampleLines(30), data: null })}
      label="Output"
    />
  ),
  play: async ({ canvasElement }) => {
    await expect(log(canvasElement)).toHaveAttribute("data-state", "success");
    // It opens at the end, where a reader of a finished log wants to be.
    await waitFor(() => expect(log(canvasElement)).toHaveTextContent("line 30"));
  },
};
export const StateError: Story = {
  render: () => (
    <StreamingLog
      request={requestView({
        status: "error",
        chunks: sampleLines(5),
        error: USER_ERRORS.WORKER_ERROR,
      })}
      label="Output"
    />
  ),
  play: async ({ canvasElement }) => {
    await expect(log(canvasElement)).toHaveTextContent("line 5");
    await expect(
      within(log(canvasElement)).getByText(`Stopped: ${USER_ERRORS.WORKER_ERROR.message}`),
    ).toHaveAttribute("data-state", "error");
  },
};
export const StateCancelled: Story = {
  render: () => (
    <StreamingLog
      request={requestView({
        status: "error",
        chunks: sampleLines(8),
        error: USER_ERRORS.CANCELLED,
      })}
      label="Output"
    />
  ),
  play: async ({ canvasElement }) => {
    await expect(log(canvasElement)).toHaveTextContent(`Stopped: ${USER_ERRORS.CANCELLED.message}`);
  },
};
export const StateRestarted: Story = {
  render: () => (
    <StreamingLog
      request={requestView({ status: "streaming", attempt: 2, chunks: sampleLines(2, "retry") })}
      label="Output"
    />
  ),
};
export const StateCustomLines: Story = {
  render: () => (
    <StreamingLog
      request={requestView({
        status: "streaming",
        chunks: [
          { level: "info", text: "compiling" },
          { level: "warn", text: "2 deprecations" },
        ],
      })}
      renderChunk={(chunk: { level: string; text: string }) => (
        <span>
          [{chunk.level}] {chunk.text}
        </span>
      )}
      label="Output"
    />
  ),
};
