import { type CSSProperties, type ReactNode, useEffect, useReducer } from "react";
import { type BackendRequestView, useBackendRequest } from "../hooks/useBackendRequest.js";
import { describeError } from "./describeError.js";
import { estimateRemainingMs, formatDuration } from "./formatDuration.js";
import { type FedRequestProps, joinClassNames, type OwnRequestProps } from "./requestProps.js";
import { useAutoStart } from "./useAutoStart.js";

export type ProgressPanelBaseProps = {
  /** The progressbar's accessible name and the panel's heading. Default "Progress". */
  readonly label?: string;
  /** The cancel button's label. Default "Cancel". */
  readonly cancelLabel?: ReactNode;
  /**
   * The clock for elapsed time and time left; inject one in tests. Default `Date.now`. It must
   * be the clock of the request's `startedAt`: when feeding `request`, give the same one to
   * `useBackendRequest`'s `now` option (a bound panel does that itself).
   */
  readonly now?: () => number;
  /** How often elapsed time refreshes while the request runs, in ms; 0 turns it off. Default 1000. */
  readonly tickMs?: number;
  readonly className?: string;
  readonly style?: CSSProperties;
};

export type ProgressPanelProps<TPayload = unknown> = ProgressPanelBaseProps &
  (
    | (OwnRequestProps & { readonly payload?: TPayload })
    | (FedRequestProps<BackendRequestView> & { readonly payload?: never })
  );

/** The words for what a request is doing, as the panel shows and announces them. */
export const describeRequest = (request: BackendRequestView): string => {
  switch (request.status) {
    case "idle":
      return "Not started";
    case "pending":
    case "streaming":
      if (request.attempt > 1) return `Restarted (attempt ${request.attempt})`;
      return request.status === "pending" ? "Starting…" : "Running";
    case "success":
      return "Done";
    case "error":
      return describeError(request.error);
  }
};

/** Re-renders every `tickMs` while `active`, so elapsed time moves between frames. */
const useTicker = (active: boolean, tickMs: number): void => {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!active || tickMs <= 0) return;
    const timer = setInterval(tick, tickMs);
    return () => clearInterval(timer);
  }, [active, tickMs]);
};

function ProgressPanelView({
  request,
  label = "Progress",
  cancelLabel = "Cancel",
  now = Date.now,
  tickMs = 1000,
  className,
  style,
}: ProgressPanelBaseProps & { readonly request: BackendRequestView }) {
  const active = request.status === "pending" || request.status === "streaming";
  useTicker(active, tickMs);

  const { progress, startedAt } = request;
  const total = progress?.total;
  const done = progress?.done ?? 0;
  const determinate = total !== undefined && total > 0;
  const fraction = determinate ? Math.min(1, Math.max(0, done / total)) : undefined;
  const elapsedMs = startedAt === undefined ? undefined : (request.finishedAt ?? now()) - startedAt;
  const remainingMs =
    active && elapsedMs !== undefined ? estimateRemainingMs(progress, elapsedMs) : undefined;
  const cancelled = request.status === "error" && request.error?.code === "CANCELLED";

  return (
    <section
      className={joinClassNames("tb-progress", className)}
      data-state={request.status}
      data-cancelled={cancelled ? "" : undefined}
      data-attempt={request.attempt}
      aria-label={label}
      style={fraction === undefined ? style : { ...style, ["--tb-progress" as string]: fraction }}
    >
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={determinate ? total : undefined}
        aria-valuenow={determinate ? done : undefined}
        aria-valuetext={determinate ? `${done} of ${total}` : undefined}
        className="tb-progress__bar"
        data-indeterminate={determinate ? undefined : ""}
      >
        <div className="tb-progress__fill" />
      </div>
      <p className="tb-progress__status" role="status">
        {describeRequest(request)}
        {determinate && ` · ${done} of ${total} (${Math.round((fraction ?? 0) * 100)}%)`}
      </p>
      {progress?.message !== undefined && (
        <p className="tb-progress__message">{progress.message}</p>
      )}
      {elapsedMs !== undefined && (
        <p className="tb-progress__times">
          <span className="tb-progress__elapsed">Elapsed {formatDuration(elapsedMs)}</span>
          {remainingMs !== undefined && (
            <span className="tb-progress__remaining">
              {" · "}About {formatDuration(remainingMs)} left
            </span>
          )}
        </p>
      )}
      {active && (
        <button type="button" className="tb-progress__cancel" onClick={request.cancel}>
          {cancelLabel}
        </button>
      )}
    </section>
  );
}

function OwnProgressPanel<TPayload>({
  type,
  transport,
  timeoutMs,
  payload,
  ...rest
}: ProgressPanelBaseProps & OwnRequestProps & { readonly payload?: TPayload }) {
  const request = useBackendRequest<TPayload | null>(type, { transport, timeoutMs, now: rest.now });
  useAutoStart(request.send, payload ?? null);
  return <ProgressPanelView {...rest} request={request} />;
}

/**
 * A request's progress for people: a labelled `role="progressbar"` (`aria-valuenow` of
 * `aria-valuemax`; indeterminate, without a value, while there is no total), the latest
 * message, elapsed time and an estimate of time left from the rate so far, a cancel button
 * while it runs, and a status line (`role="status"`) that says Done, Failed with the message,
 * Cancelled, or Restarted (attempt n). `data-state`, `data-cancelled` and `data-attempt` are for
 * styling. Fed `request` it shows that request; given `type` and `payload` it starts its own
 * request when it mounts.
 *
 * @example
 * <ProgressPanel request={importJob} label="Import" />
 * <ProgressPanel type="demo.progress" payload={{ steps: 10, delayMs: 200 }} />
 */
export function ProgressPanel<TPayload = unknown>(props: ProgressPanelProps<TPayload>) {
  if (props.request !== undefined) {
    const { request, type: _t, transport: _tr, timeoutMs: _ms, payload: _p, ...rest } = props;
    return <ProgressPanelView {...rest} request={request} />;
  }
  return <OwnProgressPanel {...props} />;
}
