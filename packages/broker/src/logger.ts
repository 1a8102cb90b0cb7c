/** Where the brokers report what callers cannot see otherwise: reconnects, handler exceptions. */
export type BrokerLogger = {
  readonly info: (message: string, details?: Readonly<Record<string, unknown>>) => void;
  readonly warn: (message: string, details?: Readonly<Record<string, unknown>>) => void;
  readonly error: (message: string, details?: Readonly<Record<string, unknown>>) => void;
};

/** Logs to the console, with a `[broker]` prefix. */
export const consoleBrokerLogger: BrokerLogger = {
  info: (message, details) => console.info(`[broker] ${message}`, details ?? ""),
  warn: (message, details) => console.warn(`[broker] ${message}`, details ?? ""),
  error: (message, details) => console.error(`[broker] ${message}`, details ?? ""),
};

/** Drops everything: for tests that provoke failures on purpose. */
export const silentBrokerLogger: BrokerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
