import { defaultGatewayId, readGatewayEnv } from "./readGatewayEnv.js";

describe("readGatewayEnv", () => {
  it("has defaults for everything", () => {
    const env = readGatewayEnv({});
    expect(env).toMatchObject({
      port: 8080,
      host: undefined,
      amqpUrls: ["amqp://guest:guest@127.0.0.1:5672"],
      allowedOrigins: undefined,
      knownTypesOnly: false,
      replyQueueType: "classic",
      replyRetention: "2h",
      logLevel: "info",
      limits: {},
    });
    expect(env.gatewayId).toBe(defaultGatewayId(8080));
  });

  it("reads every variable", () => {
    const env = readGatewayEnv({
      PORT: "9000",
      HOST: "127.0.0.1",
      AMQP_URL: "amqp://u:p@rabbit-1:5672, amqp://v:q@rabbit-2:5672",
      TASKBRIDGE_GATEWAY_ID: "gw-1",
      TASKBRIDGE_ALLOWED_ORIGINS: "https://a.example, https://b.example",
      TASKBRIDGE_DEFAULT_TIMEOUT_MS: "1000",
      TASKBRIDGE_MAX_TIMEOUT_MS: "2000",
      TASKBRIDGE_MAX_IN_FLIGHT: "7",
      TASKBRIDGE_RATE_LIMIT: "20/500",
      TASKBRIDGE_MAX_PAYLOAD_BYTES: "4194304",
      TASKBRIDGE_REPLAY_FRAMES: "50",
      TASKBRIDGE_MAX_RETAINED: "5000",
      TASKBRIDGE_ACCEPTED_HOLD_MS: "0",
      TASKBRIDGE_KNOWN_TYPES_ONLY: "true",
      TASKBRIDGE_LOG_LEVEL: "warn",
      TASKBRIDGE_REPLY_QUEUE_TYPE: "stream",
      TASKBRIDGE_REPLY_RETENTION: "30m",
    });
    expect(env).toEqual({
      port: 9000,
      host: "127.0.0.1",
      amqpUrls: ["amqp://u:p@rabbit-1:5672", "amqp://v:q@rabbit-2:5672"],
      gatewayId: "gw-1",
      allowedOrigins: ["https://a.example", "https://b.example"],
      knownTypesOnly: true,
      replyQueueType: "stream",
      replyRetention: "30m",
      logLevel: "warn",
      limits: {
        defaultTimeoutMs: 1000,
        maxTimeoutMs: 2000,
        maxInFlightPerSession: 7,
        rateLimit: { tokens: 20, perMs: 500 },
        maxPayloadBytes: 4194304,
        maxHttpBufferSize: 8388608,
        replayFrames: 50,
        maxRetainedRequests: 5000,
        acceptedHoldMs: 0,
      },
    });
    expect(readGatewayEnv({ TASKBRIDGE_ALLOWED_ORIGINS: "*" }).allowedOrigins).toEqual(["*"]);
  });

  it("names the variable of an unusable value", () => {
    expect(() => readGatewayEnv({ PORT: "http" })).toThrow(/PORT/);
    expect(() => readGatewayEnv({ TASKBRIDGE_MAX_IN_FLIGHT: "-1" })).toThrow(
      /TASKBRIDGE_MAX_IN_FLIGHT/,
    );
    expect(() => readGatewayEnv({ TASKBRIDGE_RATE_LIMIT: "fast" })).toThrow(
      /TASKBRIDGE_RATE_LIMIT/,
    );
    expect(() => readGatewayEnv({ TASKBRIDGE_LOG_LEVEL: "loud" })).toThrow(/TASKBRIDGE_LOG_LEVEL/);
    expect(() => readGatewayEnv({ TASKBRIDGE_GATEWAY_ID: "a b" })).toThrow(/TASKBRIDGE_GATEWAY_ID/);
    expect(() => readGatewayEnv({ AMQP_URL: "rabbit:5672" })).toThrow(/^AMQP_URL/);
    expect(() => readGatewayEnv({ TASKBRIDGE_REPLY_QUEUE_TYPE: "quorum" })).toThrow(
      /TASKBRIDGE_REPLY_QUEUE_TYPE/,
    );
    expect(() => readGatewayEnv({ TASKBRIDGE_REPLY_RETENTION: "2 hours" })).toThrow(
      /TASKBRIDGE_REPLY_RETENTION/,
    );
    expect(() => readGatewayEnv({ AMQP_URLS: "amqp://a,http://b" })).toThrow(/^AMQP_URLS/);
    expect(() => readGatewayEnv({ TASKBRIDGE_ACCEPTED_HOLD_MS: "-2" })).toThrow(
      /TASKBRIDGE_ACCEPTED_HOLD_MS/,
    );
    expect(() => readGatewayEnv({ TASKBRIDGE_MAX_RETAINED: "0" })).toThrow(
      'TASKBRIDGE_MAX_RETAINED must be a positive integer, got "0"',
    );
    expect(() => readGatewayEnv({ TASKBRIDGE_MAX_RETAINED: "100k" })).toThrow(
      /TASKBRIDGE_MAX_RETAINED/,
    );
  });

  it("derives a stable id from host name and port", () => {
    expect(defaultGatewayId(8080, "Web.Host-01")).toBe("web-host-01-8080");
  });
});
