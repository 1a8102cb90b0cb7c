/**
 * Where the worker SDK reports what no client may see: handler stack traces, refused
 * declarations, malformed messages. Same shape as the broker's logger, so one object serves both.
 */
export type WorkerLogger = {
  readonly info: (message: string, details?: Readonly<Record<string, unknown>>) => void;
  readonly warn: (message: string, details?: Readonly<Record<string, unknown>>) => void;
  readonly error: (message: string, details?: Readonly<Record<string, unknown>>) => void;
};

/** Logs to the console with a `[worker]` prefix: the default of `registerHandlers`. */
export const consoleWorkerLogger: WorkerLogger = {
  info: (message, details) => console.info(`[worker] ${message}`, details ?? ""),
  warn: (message, details) => console.warn(`[worker] ${message}`, details ?? ""),
  error: (message, details) => console.error(`[worker] ${message}`, details ?? ""),
};

/** Drops everything: for tests that provoke failures on purpose. */
export const silentWorkerLogger: WorkerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
