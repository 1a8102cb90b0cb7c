import { DEFAULT_AMQP_URL, readWorkerEnv } from "./readWorkerEnv.js";

describe("readWorkerEnv", () => {
  it("defaults to the local RabbitMQ, quorum queues, no prefix", () => {
    expect(readWorkerEnv({})).toEqual({
      urls: [DEFAULT_AMQP_URL],
      queueType: "quorum",
      prefetch: undefined,
      workerId: undefined,
      queuePrefix: "",
      graceMs: undefined,
    });
  });

  it("reads every variable of `npm run worker`", () => {
    expect(
      readWorkerEnv({
        AMQP_URL: "amqp://rabbit-1:5672,amqp://rabbit-2:5672",
        TASKBRIDGE_QUEUE_TYPE: "classic",
        TASKBRIDGE_PREFETCH: "4",
        TASKBRIDGE_WORKER_ID: "w1",
        TASKBRIDGE_QUEUE_PREFIX: "t.x.",
        TASKBRIDGE_GRACE_MS: "2500",
      }),
    ).toEqual({
      urls: ["amqp://rabbit-1:5672", "amqp://rabbit-2:5672"],
      queueType: "classic",
      prefetch: 4,
      workerId: "w1",
      queuePrefix: "t.x.",
      graceMs: 2500,
    });
  });

  it("stops on values it cannot use, naming the variable", () => {
    expect(() => readWorkerEnv({ TASKBRIDGE_QUEUE_TYPE: "stream" })).toThrow(
      /TASKBRIDGE_QUEUE_TYPE/,
    );
    expect(() => readWorkerEnv({ TASKBRIDGE_PREFETCH: "many" })).toThrow(/TASKBRIDGE_PREFETCH/);
    expect(() => readWorkerEnv({ TASKBRIDGE_PREFETCH: "0" })).toThrow(/at least 1/);
    expect(() => readWorkerEnv({ TASKBRIDGE_GRACE_MS: "-5" })).toThrow(/TASKBRIDGE_GRACE_MS/);
    expect(() => readWorkerEnv({ AMQP_URL: "amqp://a, ,localhost" })).toThrow(/^AMQP_URL/);
  });
});
