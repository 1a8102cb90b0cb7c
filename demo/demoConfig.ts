/**
 * What the demo server tells the page at `GET /demo-config.json`: which mode runs and whether
 * the Python worker is there, so the page can say so instead of failing requests.
 */
export type DemoConfig = {
  /** `live`: RabbitMQ with separate worker processes; `embedded`: one process, in-memory broker. */
  readonly mode: "live" | "embedded";
  readonly python: { readonly available: boolean; readonly note: string };
};

/** The path the page fetches its `DemoConfig` from. */
export const DEMO_CONFIG_PATH = "/demo-config.json";
