import { ProgressPanel, RequestButton, useBackendRequest } from "@taskbridge/react";
import { DemoCard } from "./DemoCard.js";

export type LongTaskProps = {
  readonly steps?: number;
  readonly delayMs?: number;
};

/**
 * A long task: `demo.progress` reports `{ done, total }` after every step. One request feeds the
 * start button and the progress panel, whose Cancel button aborts the worker's handler: the one
 * cancel control, so the start button is only busy while the task runs.
 */
export function LongTask({ steps = 20, delayMs = 400 }: LongTaskProps) {
  const task = useBackendRequest<{ steps: number; delayMs: number }, never, { done: number }>(
    "demo.progress",
  );
  return (
    <DemoCard
      title="Long task"
      requestType="demo.progress"
      description={`${steps} steps of ${delayMs} ms with progress after each; cancel stops the worker's handler.`}
    >
      <div className="demo-row">
        <RequestButton
          request={task}
          payload={{ steps, delayMs }}
          // The progress panel says how it ended.
          showError={false}
        >
          {task.isIdle
            ? "Start task"
            : task.isPending || task.isStreaming
              ? "Running…"
              : "Run again"}
        </RequestButton>
      </div>
      <ProgressPanel request={task} label="Task progress" cancelLabel="Cancel task" />
    </DemoCard>
  );
}
