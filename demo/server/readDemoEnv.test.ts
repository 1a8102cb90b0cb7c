import { readDemoEnv } from "./readDemoEnv.js";

describe("readDemoEnv", () => {
  it("defaults to the live mode on port 8080 and the local RabbitMQ", () => {
    expect(readDemoEnv({}, "/dist")).toEqual({
      port: 8080,
      amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
      mode: "live",
      queuePrefix: "",
      gatewayId: "taskbridge-demo-8080",
      pythonAvailable: false,
      pythonNote: "The Python worker is not running.",
      distDir: "/dist",
    });
  });

  it("reads the launcher's settings", () => {
    const env = readDemoEnv(
      {
        PORT: "3000",
        TASKBRIDGE_DEMO_MODE: "live",
        TASKBRIDGE_QUEUE_PREFIX: "t1.",
        TASKBRIDGE_GATEWAY_ID: "gw-1",
        TASKBRIDGE_DEMO_PYTHON: "1",
        TASKBRIDGE_DEMO_DIST: "/tmp/d",
      },
      "/dist",
    );
    expect(env).toMatchObject({ port: 3000, queuePrefix: "t1.", gatewayId: "gw-1" });
    expect(env).toMatchObject({ pythonAvailable: true, distDir: "/tmp/d" });
  });

  it("never claims Python in embedded mode, and says why", () => {
    const env = readDemoEnv({ TASKBRIDGE_DEMO_MODE: "embedded", TASKBRIDGE_DEMO_PYTHON: "1" }, "/");
    expect(env.pythonAvailable).toBe(false);
    expect(env.pythonNote).toMatch(/start RabbitMQ/);
  });

  it("refuses values it cannot use", () => {
    expect(() => readDemoEnv({ PORT: "http" }, "/")).toThrow(/PORT/);
    expect(() => readDemoEnv({ TASKBRIDGE_DEMO_MODE: "cloud" }, "/")).toThrow(
      /TASKBRIDGE_DEMO_MODE/,
    );
  });
});
