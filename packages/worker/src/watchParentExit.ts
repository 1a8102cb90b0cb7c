/** The variable a supervisor sets when it gives its child a stdin pipe to watch. */
export const EXIT_WITH_PARENT_ENV = "TASKBRIDGE_EXIT_WITH_PARENT";

export type WatchParentExitOptions = {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What the parent holds the other end of (default: `process.stdin`). */
  readonly stdin?: NodeJS.ReadableStream;
};

/**
 * When `TASKBRIDGE_EXIT_WITH_PARENT=1`, calls `onParentGone` once stdin ends or fails: a
 * supervisor (the demo launcher of `npm start`) keeps the writing end of the worker's stdin pipe
 * and never writes, so the kernel closes it when the supervisor dies, however it dies (even
 * SIGKILL, which no handler sees). Exported, so any Node process a supervisor starts (the demo
 * server too) can watch the same way.
 * Without the variable it does nothing, so a run from a terminal is unaffected. Returns whether
 * it watches.
 *
 * @example
 * watchParentExit(() => shutdown("the launcher is gone (stdin closed)"));
 */
export const watchParentExit = (
  onParentGone: () => void,
  { env = process.env, stdin = process.stdin }: WatchParentExitOptions = {},
): boolean => {
  if (env[EXIT_WITH_PARENT_ENV] !== "1") return false;
  let called = false;
  const gone = () => {
    if (called) return;
    called = true;
    onParentGone();
  };
  stdin.once("end", gone);
  stdin.once("close", gone);
  stdin.once("error", gone);
  // Nothing is ever written: reading only lets the end of the stream be seen.
  stdin.on("data", () => {});
  stdin.resume();
  return true;
};
