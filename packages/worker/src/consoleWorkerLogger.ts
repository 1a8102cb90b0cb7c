import { inspect } from "node:util";
import type { Logger } from "@taskbridge/core/protocol";

const fieldsOf = (fields: Readonly<Record<string, unknown>>): string => {
  try {
    return JSON.stringify(fields);
  } catch {
    return inspect(fields, { breakLength: Number.POSITIVE_INFINITY });
  }
};

/**
 * One log entry as text: `[worker] message {"type":"…","id":"…"}` on one line, and a `stack`
 * field, when there is one, on the lines below it (readable, and each line still starts where a
 * supervisor's `[name]` prefix expects it).
 *
 * @example
 * formatWorkerLog("a handler failed", { type: "demo.echo", stack: "Error: x\n    at …" })
 * // '[worker] a handler failed {"type":"demo.echo"}\nError: x\n    at …'
 */
export const formatWorkerLog = (
  message: string,
  details?: Readonly<Record<string, unknown>>,
): string => {
  if (details === undefined) return `[worker] ${message}`;
  const { stack, ...rest } = details;
  const fields = typeof stack === "string" ? rest : details;
  const text = Object.keys(fields).length === 0 ? "" : ` ${fieldsOf(fields)}`;
  return `[worker] ${message}${text}${typeof stack === "string" ? `\n${stack}` : ""}`;
};

/**
 * The worker SDK's default logger (handler stack traces, refused declarations, malformed
 * messages), one entry per `formatWorkerLog`. Any `Logger` (`@taskbridge/core`) may replace it.
 */
export const consoleWorkerLogger: Logger = {
  debug: () => {},
  info: (message, details) => console.info(formatWorkerLog(message, details)),
  warn: (message, details) => console.warn(formatWorkerLog(message, details)),
  error: (message, details) => console.error(formatWorkerLog(message, details)),
};
