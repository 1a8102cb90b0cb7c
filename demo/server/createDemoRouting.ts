import { definePlugin, type Plugin } from "@taskbridge/gateway";

export type DemoRoutingOptions = {
  /** Prepended to every queue name, as `TASKBRIDGE_QUEUE_PREFIX` is for the workers. */
  readonly queuePrefix?: string;
  /** The type prefix the demo uses for services the Python worker answers. Default `py.`. */
  readonly pythonPrefix?: string;
};

/** The type prefix under which the demo calls the Python worker's reference services. */
export const PYTHON_TYPE_PREFIX = "py.";

/**
 * The demo gateway's one plugin: it routes the reference services to the queues the demo's own
 * workers consume. `demo.echo` goes to `<queuePrefix>demo.echo` (the TypeScript worker started
 * with `TASKBRIDGE_QUEUE_PREFIX=<queuePrefix>`), and `py.demo.echo` to
 * `<queuePrefix>py.demo.echo` with `x-type: demo.echo` (the Python worker started with
 * `TASKBRIDGE_QUEUE_PREFIX=<queuePrefix>py.`), so the browser can pick the language by type and
 * the workers stay the unmodified reference services. A prefix isolates one demo from other
 * workers on a shared RabbitMQ (the end-to-end test runs with a random one).
 *
 * @example
 * createGateway({ broker, plugins: [createDemoRouting({ queuePrefix: "e2e1." })] });
 * // client "py.demo.count" → queue "e2e1.py.demo.count", header x-type "demo.count"
 */
export const createDemoRouting = ({
  queuePrefix = "",
  pythonPrefix = PYTHON_TYPE_PREFIX,
}: DemoRoutingOptions = {}): Plugin =>
  definePlugin({
    name: "demo-routing",
    match: (type) => type.startsWith("demo.") || type.startsWith(`${pythonPrefix}demo.`),
    queue: (type) => `${queuePrefix}${type}`,
    beforePublish: (ctx) =>
      ctx.type.startsWith(pythonPrefix)
        ? { headers: { "x-type": ctx.type.slice(pythonPrefix.length) } }
        : undefined,
  });
