import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, userEvent, waitFor, within } from "storybook/test";
import { requestView, sampleLines } from "./support/requestView.js";
import {
  type SimulationArgs,
  simulationArgTypes,
  withoutSimulationArgs,
  withSimulatedBackend,
} from "./support/simulation.js";
import { USER_ERRORS } from "./support/userErrors.js";
import { TaskRunner, type TaskRunnerProps } from "./TaskRunner.js";

/**
 * The three components on one request, as an app composes them (`stories/TaskRunner.tsx`): a
 * `RequestButton` starts it, a `ProgressPanel` shows progress and cancels, a `StreamingLog`
 * shows the chunks, and the outcome is printed below. The Controls under "Memory transport"
 * set the simulated network and worker; the toolbar's Transport flips it to the live gateway.
 */
const meta = {
  title: "Composed/TaskRunner",
  component: TaskRunner,
  tags: ["autodocs"],
  decorators: [withSimulatedBackend],
  args: { type: "story.tail", payload: { n: 30 }, label: "Export rows" },
  argTypes: { request: { control: false } },
  render: (args) => <TaskRunner {...withoutSimulationArgs(args)} />,
} satisfies Meta<typeof TaskRunner>;

export default meta;

type Story = StoryObj<typeof meta>;
type SimulatedStory = StoryObj<TaskRunnerProps & SimulationArgs>;

const runner = (canvasElement: HTMLElement) => {
  const element = canvasElement.querySelector<HTMLElement>(".tb-task-runner");
  if (element === null) throw new globalThis.Error("no task runner rendered");
  return element;
};
const run = async (canvasElement: HTMLElement, name: string) =>
  userEvent.click(within(canvasElement).getByRole("button", { name }));

/** Click: lines stream into the log, the bar fills, and the result is printed. */
export const ClickToResult: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { chunkRate: 100 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(runner(canvasElement)).toHaveAttribute("data-state", "idle");
    await run(canvasElement, "Export rows");
    await waitFor(() => expect(runner(canvasElement)).toHaveAttribute("data-state", "success"));
    await expect(canvas.getByRole("log")).toHaveTextContent("line 30");
    await expect(canvas.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "30");
    await expect(canvas.getByRole("status")).toHaveTextContent("Done · 30 of 30 (100%)");
    await expect(canvas.getByText(/Result:/)).toHaveTextContent('Result: {"lines":30}');
  },
};

/** Cancel from the progress panel: the request ends CANCELLED, the lines so far stay. */
export const Cancel: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { payload: { n: 1000 }, chunkRate: 20 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await run(canvasElement, "Export rows");
    await waitFor(() => expect(canvas.getByRole("log")).toHaveTextContent("line 2"));
    await userEvent.click(canvas.getByRole("button", { name: "Cancel" }));
    await expect(await canvas.findByRole("alert")).toHaveTextContent(
      "CANCELLED: the request was cancelled",
    );
    await expect(canvas.getByRole("status")).toHaveTextContent("Cancelled");
    await expect(canvas.getByRole("button", { name: "Export rows" })).toBeEnabled();
  },
};

/** A worker error: the alert carries its code and message. */
export const FailsWithMessage: Story = {
  args: { type: "demo.fail", payload: { message: "disk full" }, label: "Export" },
  play: async ({ canvasElement }) => {
    await run(canvasElement, "Export");
    await expect(await within(canvasElement).findByRole("alert")).toHaveTextContent(
      "WORKER_ERROR: disk full",
    );
    await expect(runner(canvasElement)).toHaveAttribute("data-state", "error");
  },
};

/** The worker dies halfway: `restart`, attempt 2 from the start, and success. */
export const RestartedAfterCrash: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { type: "story.crash-once", payload: { n: 10 }, chunkRate: 20 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await run(canvasElement, "Export rows");
    await waitFor(() => expect(runner(canvasElement)).toHaveAttribute("data-state", "success"));
    await expect(canvasElement.querySelector(".tb-progress")).toHaveAttribute("data-attempt", "2");
    await expect(canvas.getByText(/Result:/)).toHaveTextContent('"attempt":2');
    await expect(canvas.getByRole("log")).not.toHaveTextContent("attempt 1:");
  },
};

/** 2 s of latency and up to 1.5 s of jitter on each request. */
export const SlowNetwork: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { latencyMs: 2000, jitterMs: 1500, chunkRate: 30 },
  play: async ({ canvasElement }) => {
    await run(canvasElement, "Export rows");
    await waitFor(() =>
      expect(within(canvasElement).getByRole("status")).toHaveTextContent("Starting…"),
    );
  },
};

/** 50,000 lines through all three components. */
export const LongStream: Story = {
  args: { type: "story.lines", payload: { n: 50_000 }, label: "Dump the log" },
  play: async ({ canvasElement }) => {
    await run(canvasElement, "Dump the log");
    await waitFor(() => expect(runner(canvasElement)).toHaveAttribute("data-state", "success"), {
      timeout: 15_000,
    });
    await expect(within(canvasElement).getByText(/Result:/)).toHaveTextContent(
      'Result: {"lines":50000}',
    );
  },
};

/** The reference `demo.progress` service. */
export const ReferenceProgress: Story = {
  args: { type: "demo.progress", payload: { steps: 20, delayMs: 100 }, label: "Run 20 steps" },
};

/** Every knob of the memory transport. */
export const Playground: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: {
    payload: { n: 200 },
    latencyMs: 300,
    jitterMs: 300,
    failureRate: 0.2,
    failWith: "UNAVAILABLE",
    chunkRate: 25,
  },
};

// Errors a user can meet, on real requests through the memory transport.
const failsWith =
  (code: keyof typeof USER_ERRORS, message: string | RegExp): SimulatedStory["play"] =>
  async ({ canvasElement }) => {
    await run(canvasElement, "Run");
    const alert = await within(canvasElement).findByRole("alert");
    await expect(alert).toHaveTextContent(code);
    await expect(alert).toHaveTextContent(message);
  };
const refused = (code: keyof typeof USER_ERRORS) => ({
  args: { failureRate: 1, failWith: code, label: "Run" } satisfies Partial<SimulatedStory["args"]>,
});
export const ErrorTimeout: SimulatedStory = {
  args: { type: "story.hold", payload: {}, timeoutMs: 400, label: "Run" },
  play: failsWith("TIMEOUT", "no result within 400 ms"),
};
export const ErrorWorkerError: SimulatedStory = {
  args: { type: "demo.fail", payload: { message: "the template is missing" }, label: "Run" },
  play: failsWith("WORKER_ERROR", "the template is missing"),
};
export const ErrorWorkerCrashed: SimulatedStory = {
  argTypes: simulationArgTypes,
  args: { crashAfterFrames: 1, label: "Run" },
  play: failsWith("WORKER_CRASHED", "the worker crashed 4 times"),
};
export const ErrorUnknownType: SimulatedStory = {
  args: { type: "report.generat", label: "Run" },
  play: failsWith("UNKNOWN_TYPE", "no service serves report.generat"),
};
export const ErrorPayloadTooLarge: SimulatedStory = {
  args: { type: "demo.echo", payload: { blob: "x".repeat(1_100_000) }, label: "Run" },
  play: failsWith("PAYLOAD_TOO_LARGE", /the limit is 1048576/),
};
export const ErrorUnavailable: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("UNAVAILABLE"),
  play: failsWith("UNAVAILABLE", USER_ERRORS.UNAVAILABLE.message),
};
export const ErrorRateLimited: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("RATE_LIMITED"),
  play: failsWith("RATE_LIMITED", USER_ERRORS.RATE_LIMITED.message),
};
export const ErrorUnauthorized: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("UNAUTHORIZED"),
  play: failsWith("UNAUTHORIZED", USER_ERRORS.UNAUTHORIZED.message),
};
export const ErrorForbidden: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("FORBIDDEN"),
  play: failsWith("FORBIDDEN", USER_ERRORS.FORBIDDEN.message),
};
export const ErrorBadRequest: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("BAD_REQUEST"),
  play: failsWith("BAD_REQUEST", USER_ERRORS.BAD_REQUEST.message),
};
export const ErrorNotFound: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("NOT_FOUND"),
  play: failsWith("NOT_FOUND", USER_ERRORS.NOT_FOUND.message),
};
export const ErrorInternal: SimulatedStory = {
  argTypes: simulationArgTypes,
  ...refused("INTERNAL"),
  play: failsWith("INTERNAL", USER_ERRORS.INTERNAL.message),
};

// Frozen states: the runner fed a request that stays put.
export const StateIdle: Story = {
  render: () => <TaskRunner type="story.tail" request={requestView({ status: "idle" })} />,
};
export const StatePending: Story = {
  render: () => <TaskRunner type="story.tail" request={requestView({ status: "pending" })} />,
};
export const StateStreaming: Story = {
  render: () => (
    <TaskRunner
      type="story.tail"
      request={requestView({
        status: "streaming",
        chunks: sampleLines(14),
        progress: { done: 14, total: 40, message: "writing line 14" },
      })}
    />
  ),
};
export const StateSuccess: Story = {
  render: () => (
    <TaskRunner
      type="story.tail"
      request={requestView({
        status: "success",
        chunks: sampleLines(40),
        progress: { done: 40, total: 40 },
        data: { lines: 40 },
      })}
    />
  ),
};
export const StateError: Story = {
  render: () => (
    <TaskRunner
      type="story.tail"
      request={requestView({
        status: "error",
        chunks: sampleLines(9),
        progress: { done: 9, total: 40 },
        error: USER_ERRORS.WORKER_ERROR,
      })}
    />
  ),
};
export const StateCancelled: Story = {
  render: () => (
    <TaskRunner
      type="story.tail"
      request={requestView({
        status: "error",
        chunks: sampleLines(9),
        progress: { done: 9, total: 40 },
        error: USER_ERRORS.CANCELLED,
      })}
    />
  ),
};
export const StateRestarted: Story = {
  render: () => (
    <TaskRunner
      type="story.tail"
      request={requestView({ status: "streaming", attempt: 2, chunks: sampleLines(3, "retry") })}
    />
  ),
};
