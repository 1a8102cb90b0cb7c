import { hostname } from "node:os";
import {
  DEFAULT_REPLY_RETENTION,
  parseMaxAge,
  type ReplyQueueType,
  readAmqpUrls,
} from "@taskbridge/broker";
import { isLogLevel, type LogLevel } from "./createLogger.js";
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from "./gatewayLimits.js";

/** The gateway's settings as `packages/gateway/src/main.ts` reads them from the environment. */
export type GatewayEnv = {
  readonly port: number;
  readonly host: string | undefined;
  /** The broker's addresses (`AMQP_URLS`, else `AMQP_URL`: one URL or a comma list of a cluster's nodes). */
  readonly amqpUrls: readonly string[];
  readonly gatewayId: string;
  /** Undefined: same origin or localhost only. */
  readonly allowedOrigins: readonly string[] | undefined;
  readonly knownTypesOnly: boolean;
  /** `classic` (version 1) or `stream` (docs/protocol.md §14.3). */
  readonly replyQueueType: ReplyQueueType;
  /** A reply stream's `x-max-age`, e.g. `2h`. */
  readonly replyRetention: string;
  readonly logLevel: LogLevel;
  readonly limits: Partial<GatewayLimits>;
};

// One default broker address for every process: the broker package owns it.
export { DEFAULT_AMQP_URL } from "@taskbridge/broker";

type Env = Readonly<Record<string, string | undefined>>;

const positiveInt = (env: Env, name: string): number | undefined => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
};

const nonNegativeInt = (env: Env, name: string): number | undefined => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be an integer ≥ 0, got "${raw}"`);
  }
  return value;
};

/**
 * A gateway id that stays the same when the same host restarts the gateway on the same port —
 * so replies that arrived during the restart wait in its reply queue — and differs between
 * hosts and ports. Set TASKBRIDGE_GATEWAY_ID explicitly in containers whose host name changes.
 */
export const defaultGatewayId = (port: number, host: string = hostname()): string =>
  `${host.toLowerCase().replace(/[^a-z0-9_-]+/g, "-")}-${port}`;

/**
 * Reads the gateway's environment (documented in docs/gateway.md): PORT, HOST, AMQP_URLS or AMQP_URL
 * (one URL or a comma-separated list; AMQP_URLS wins),
 * TASKBRIDGE_GATEWAY_ID, TASKBRIDGE_ALLOWED_ORIGINS (comma list, `*` for any),
 * TASKBRIDGE_DEFAULT_TIMEOUT_MS, TASKBRIDGE_MAX_TIMEOUT_MS, TASKBRIDGE_MAX_IN_FLIGHT,
 * TASKBRIDGE_RATE_LIMIT (`tokens/perMs`, e.g. `100/1000`), TASKBRIDGE_MAX_PAYLOAD_BYTES,
 * TASKBRIDGE_REPLAY_FRAMES, TASKBRIDGE_MAX_RETAINED, TASKBRIDGE_ACCEPTED_HOLD_MS (0: off), TASKBRIDGE_KNOWN_TYPES_ONLY (`1`/`true`), TASKBRIDGE_LOG_LEVEL,
 * TASKBRIDGE_REPLY_QUEUE_TYPE (`classic` or `stream`), TASKBRIDGE_REPLY_RETENTION (`2h`, `30m` …).
 * Throws a message naming the variable when a value is unusable.
 */
export const readGatewayEnv = (env: Env): GatewayEnv => {
  const port = env.PORT?.trim() ? Number(env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  }
  const origins = env.TASKBRIDGE_ALLOWED_ORIGINS?.split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  const logLevel = env.TASKBRIDGE_LOG_LEVEL?.trim() || "info";
  if (!isLogLevel(logLevel)) {
    throw new Error(`TASKBRIDGE_LOG_LEVEL must be debug, info, warn, error or silent`);
  }
  const gatewayId = env.TASKBRIDGE_GATEWAY_ID?.trim() || defaultGatewayId(port);
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(gatewayId)) {
    throw new Error("TASKBRIDGE_GATEWAY_ID may use letters, digits, '.', '_' and '-' only");
  }
  const replyQueueType = env.TASKBRIDGE_REPLY_QUEUE_TYPE?.trim() || "classic";
  if (replyQueueType !== "classic" && replyQueueType !== "stream") {
    throw new Error(
      `TASKBRIDGE_REPLY_QUEUE_TYPE must be classic or stream, got "${replyQueueType}"`,
    );
  }
  const replyRetention = env.TASKBRIDGE_REPLY_RETENTION?.trim() || DEFAULT_REPLY_RETENTION;
  if (parseMaxAge(replyRetention) === undefined) {
    throw new Error(
      `TASKBRIDGE_REPLY_RETENTION must be a number and one of Y M D h m s (2h, 30m, 7D), got "${replyRetention}"`,
    );
  }
  let rateLimit: GatewayLimits["rateLimit"] | undefined;
  const rawRate = env.TASKBRIDGE_RATE_LIMIT?.trim();
  if (rawRate) {
    const match = /^(\d+)\/(\d+)$/.exec(rawRate);
    if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) {
      throw new Error(
        `TASKBRIDGE_RATE_LIMIT must look like 100/1000 (tokens/perMs), got "${rawRate}"`,
      );
    }
    rateLimit = { tokens: Number(match[1]), perMs: Number(match[2]) };
  }
  const limits: Record<string, unknown> = {
    defaultTimeoutMs: positiveInt(env, "TASKBRIDGE_DEFAULT_TIMEOUT_MS"),
    maxTimeoutMs: positiveInt(env, "TASKBRIDGE_MAX_TIMEOUT_MS"),
    maxInFlightPerSession: positiveInt(env, "TASKBRIDGE_MAX_IN_FLIGHT"),
    maxPayloadBytes: positiveInt(env, "TASKBRIDGE_MAX_PAYLOAD_BYTES"),
    replayFrames: positiveInt(env, "TASKBRIDGE_REPLAY_FRAMES"),
    maxRetainedRequests: positiveInt(env, "TASKBRIDGE_MAX_RETAINED"),
    acceptedHoldMs: nonNegativeInt(env, "TASKBRIDGE_ACCEPTED_HOLD_MS"),
    rateLimit,
  };
  const payload =
    (limits.maxPayloadBytes as number | undefined) ?? DEFAULT_GATEWAY_LIMITS.maxPayloadBytes;
  // Socket.IO must carry an over-limit payload so the gateway can answer PAYLOAD_TOO_LARGE.
  if (payload * 2 > DEFAULT_GATEWAY_LIMITS.maxHttpBufferSize)
    limits.maxHttpBufferSize = payload * 2;
  return {
    port,
    host: env.HOST?.trim() || undefined,
    amqpUrls: readAmqpUrls(env),
    gatewayId,
    allowedOrigins: origins === undefined || origins.length === 0 ? undefined : origins,
    knownTypesOnly: /^(1|true|yes)$/i.test(env.TASKBRIDGE_KNOWN_TYPES_ONLY?.trim() ?? ""),
    replyQueueType,
    replyRetention,
    logLevel,
    limits: Object.fromEntries(
      Object.entries(limits).filter(([, value]) => value !== undefined),
    ) as Partial<GatewayLimits>,
  };
};
