import type { Logger } from "@taskbridge/core/protocol";

/**
 * The brokers' default logger: reconnects and handler exceptions to the console, with a
 * `[broker]` prefix. Any `Logger` (`@taskbridge/core`) may replace it; `silentLogger` for tests.
 */
export const consoleBrokerLogger: Logger = {
  debug: () => {},
  info: (message, fields) => console.info(`[broker] ${message}`, fields ?? ""),
  warn: (message, fields) => console.warn(`[broker] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[broker] ${message}`, fields ?? ""),
};
