import {
  ProgressPanel,
  RequestButton,
  StreamingLog,
  type UseBackendRequestResult,
  useBackendRequest,
} from "@taskbridge/react";

export type TaskRunnerProps = {
  /** The request type, e.g. `demo.count`. */
  readonly type: string;
  /** Sent when the button is clicked. */
  readonly payload?: unknown;
  /** The button's label, and the name of the runner's region. Default "Run task". */
  readonly label?: string;
  readonly timeoutMs?: number;
  /** Show this request instead of the runner's own (frozen states in stories). */
  readonly request?: UseBackendRequestResult<unknown, unknown, unknown>;
};

/**
 * The three components on one request, as an app composes them: a `RequestButton` starts it,
 * a `ProgressPanel` shows progress, time and a cancel button, a `StreamingLog` shows the
 * chunks; the outcome is printed below (the result, or the error's code and message as an
 * alert). One `useBackendRequest` feeds all three.
 *
 * @example
 * <TaskRunner type="demo.count" payload={{ n: 100, delayMs: 20 }} label="Count to 100" />
 */
export function TaskRunner({
  type,
  payload,
  label = "Run task",
  timeoutMs,
  request,
}: TaskRunnerProps) {
  const own = useBackendRequest<unknown, unknown, unknown>(type, { timeoutMs });
  const shown = request ?? own;
  return (
    <section aria-label={label} className="tb-task-runner" data-state={shown.status}>
      <RequestButton request={shown} payload={payload}>
        {label}
      </RequestButton>
      <ProgressPanel request={shown} label={`${label}: progress`} />
      <StreamingLog request={shown} label={`${label}: output`} />
      {shown.isSuccess && (
        <p className="tb-task-runner__result">
          Result: <code>{JSON.stringify(shown.data)}</code>
        </p>
      )}
      {shown.isError && shown.error !== undefined && (
        <p role="alert" className="tb-task-runner__error">
          {shown.error.code}: {shown.error.message}
        </p>
      )}
    </section>
  );
}
