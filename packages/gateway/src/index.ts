// `@taskbridge/gateway`: the Socket.IO ⇄ RabbitMQ gateway and what plugins need.

// The brokers a gateway runs on, so `@taskbridge/gateway` is all a server needs.
export {
  createMemoryBroker,
  createMemoryServer,
  createRabbitBroker,
  type MemoryBroker,
  type MemoryServer,
  type RabbitBroker,
} from "@taskbridge/broker";
// The shared primitives a gateway takes, so `@taskbridge/gateway` is all a server imports.
export {
  backgroundTimers,
  type Logger,
  realTimers,
  silentLogger,
  type Timers,
} from "@taskbridge/core/protocol";
export type { Authenticate, AuthResult, Handshake } from "./authenticateHandshake.js";
export { createGateway, type Gateway, type GatewayOptions } from "./createGateway.js";
export { createGatewayMetrics, type GatewayMetrics } from "./createGatewayMetrics.js";
export { createLogger, type LogLevel } from "./createLogger.js";
export { type AllowedOrigins, createOriginCheck } from "./createOriginCheck.js";
export type { SessionInfo } from "./createRequestTable.js";
export type { RateLimit } from "./createTokenBucket.js";
export type { BuiltinHandler } from "./createTypePolicy.js";
export {
  definePlugin,
  type MaybePromise,
  type PayloadSchema,
  type Plugin,
  type PluginContext,
  type PublishChange,
  pluginMatches,
} from "./definePlugin.js";
export { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from "./gatewayLimits.js";
export {
  createRolePlugin,
  type RolePluginOptions,
  type RoleRule,
} from "./plugins/createRolePlugin.js";
export {
  DEFAULT_AMQP_URL,
  defaultGatewayId,
  type GatewayEnv,
  readGatewayEnv,
} from "./readGatewayEnv.js";
