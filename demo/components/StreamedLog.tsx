import { RequestButton, StreamingLog, useBackendRequest } from "@taskbridge/react";
import { DemoCard } from "./DemoCard.js";

export type StreamedLogProps = {
  /** The request type: `demo.count`, or `py.demo.count` for the Python worker. */
  readonly requestType?: string;
  readonly title?: string;
  readonly description?: string;
  readonly lines?: number;
  readonly delayMs?: number;
  /** Why the card cannot run, when it cannot (the Python worker is missing). */
  readonly unavailable?: string;
};

/**
 * A streamed log: `demo.count` emits `{ i }` chunks that `StreamingLog` shows as they arrive
 * (virtualized, following the bottom), with a running count and the final result.
 */
export function StreamedLog({
  requestType = "demo.count",
  title = "Streamed log",
  description = "The worker emits one chunk per line; the log follows them as they arrive.",
  lines = 100,
  delayMs = 25,
  unavailable,
}: StreamedLogProps) {
  const stream = useBackendRequest<
    { n: number; delayMs: number },
    { i: number },
    { count: number }
  >(requestType);
  const label = `${title} output`;
  return (
    <DemoCard title={title} requestType={requestType} description={description}>
      <div className="demo-row">
        <RequestButton
          request={stream}
          payload={{ n: lines, delayMs }}
          cancelable
          disabled={unavailable !== undefined}
          // The count beside it and the log's last line say how it ended.
          showError={false}
        >
          Stream {lines} lines
        </RequestButton>
        <span className="demo-count" aria-live="polite">
          {stream.chunks.length} of {lines} lines
          {stream.isSuccess && ` · done (count ${stream.data?.count})`}
          {stream.isError && ` · ${stream.error?.code === "CANCELLED" ? "cancelled" : "failed"}`}
        </span>
      </div>
      {unavailable !== undefined && (
        <p className="demo-note" role="note">
          {unavailable}
        </p>
      )}
      <StreamingLog
        request={stream}
        label={label}
        emptyText="Press the button to start the stream."
        renderChunk={(chunk: { i: number }) => `line ${chunk.i + 1} of ${lines}`}
      />
    </DemoCard>
  );
}
