import { DEFAULT_AMQP_URL } from "@taskbridge/broker";

/** The settings of the demo server (`demo/server/main.ts`); `demo/start.ts` sets them. */
export type DemoEnv = {
  readonly port: number;
  readonly amqpUrl: string;
  readonly mode: "live" | "embedded";
  readonly queuePrefix: string;
  readonly gatewayId: string;
  readonly pythonAvailable: boolean;
  readonly pythonNote: string;
  /** The built demo (default `demo/dist` beside this file). */
  readonly distDir: string;
};

export const DEFAULT_DEMO_PORT = 8080;

export { DEFAULT_AMQP_URL } from "@taskbridge/broker";

/**
 * Reads `PORT` (default 8080), `AMQP_URL`, `TASKBRIDGE_DEMO_MODE` (`live` | `embedded`),
 * `TASKBRIDGE_QUEUE_PREFIX`, `TASKBRIDGE_GATEWAY_ID` (default `taskbridge-demo-<port>`),
 * `TASKBRIDGE_DEMO_PYTHON` (`1` when a Python worker serves `py.demo.*`),
 * `TASKBRIDGE_DEMO_PYTHON_NOTE` (what the page says about it) and `TASKBRIDGE_DEMO_DIST`; throws
 * a readable error for a value it cannot use.
 *
 * @example
 * readDemoEnv({ PORT: "3000", TASKBRIDGE_DEMO_MODE: "embedded" }, "/app/demo/dist").port // 3000
 */
export const readDemoEnv = (
  env: Readonly<Record<string, string | undefined>>,
  defaultDist: string,
): DemoEnv => {
  const port = Number(env.PORT || DEFAULT_DEMO_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  }
  const mode = env.TASKBRIDGE_DEMO_MODE || "live";
  if (mode !== "live" && mode !== "embedded") {
    throw new Error(`TASKBRIDGE_DEMO_MODE must be "live" or "embedded", not "${mode}"`);
  }
  const pythonAvailable = mode === "live" && env.TASKBRIDGE_DEMO_PYTHON === "1";
  return {
    port,
    amqpUrl: env.AMQP_URL || DEFAULT_AMQP_URL,
    mode,
    queuePrefix: env.TASKBRIDGE_QUEUE_PREFIX ?? "",
    gatewayId: env.TASKBRIDGE_GATEWAY_ID || `taskbridge-demo-${port}`,
    pythonAvailable,
    pythonNote:
      env.TASKBRIDGE_DEMO_PYTHON_NOTE ||
      (pythonAvailable
        ? "Served by the Python worker (aio-pika)."
        : mode === "embedded"
          ? "The embedded mode runs only the TypeScript worker: start RabbitMQ for the Python one."
          : "The Python worker is not running."),
    distDir: env.TASKBRIDGE_DEMO_DIST || defaultDist,
  };
};
