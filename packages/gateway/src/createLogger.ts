import type { Logger } from "@taskbridge/core/protocol";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** True for the level names `createLogger` understands. */
export const isLogLevel = (value: unknown): value is LogLevel =>
  typeof value === "string" && Object.hasOwn(RANK, value);

/**
 * A tiny leveled logger writing one line per entry: the message, then the fields as JSON.
 * Inject your own (pino, winston …) through the same four functions; `silentLogger` is for tests.
 *
 * @example
 * const logger = createLogger("info", (line) => process.stdout.write(`${line}\n`));
 */
export const createLogger = (
  level: LogLevel = "info",
  write: (line: string) => void = (line) => console.log(line),
): Logger => {
  const at =
    (name: Exclude<LogLevel, "silent">) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      if (RANK[name] < RANK[level]) return;
      write(fields === undefined ? message : `${message} ${JSON.stringify(fields)}`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
};
