/** Structured fields of a log entry (`{ type, id, code }` …), printed as JSON by the defaults. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Where a taskbridge piece reports what its callers cannot see otherwise (reconnects, refused
 * frames, handler failures). One shape for the transports, brokers, gateway and worker SDK, so one
 * object — yours (pino, winston …) or a default — serves them all.
 */
export type Logger = {
  readonly debug: (message: string, fields?: LogFields) => void;
  readonly info: (message: string, fields?: LogFields) => void;
  readonly warn: (message: string, fields?: LogFields) => void;
  readonly error: (message: string, fields?: LogFields) => void;
};

/** Drops everything: for tests that provoke failures on purpose. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
