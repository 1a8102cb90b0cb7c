// `@taskbridge/broker`: the `Broker` type and its two implementations — RabbitMQ (amqplib, with
// reconnect and replay) and in-memory (the embedded mode, tests) — and the topology of
// docs/protocol.md §2. Timers, loggers and the test clock come from `@taskbridge/core`.

export { type BrokerError, createBrokerError, isBrokerErrorReason } from "./brokerError.js";
export { consoleBrokerLogger } from "./consoleBrokerLogger.js";
export {
  createMemoryBroker,
  type MemoryBroker,
  type MemoryBrokerOptions,
} from "./createMemoryBroker.js";
export {
  createMemoryServer,
  type MemoryServer,
  type MemoryServerOptions,
} from "./createMemoryServer.js";
export {
  createRabbitBroker,
  type RabbitBroker,
  type RabbitBrokerOptions,
} from "./createRabbitBroker.js";
export { type BackoffOptions, exponentialBackoff } from "./exponentialBackoff.js";
export { parseAmqpUrls } from "./parseAmqpUrls.js";
export { parseMaxAge } from "./parseMaxAge.js";
export { DEFAULT_AMQP_URL, readAmqpUrls } from "./readAmqpUrls.js";
export { redactAmqpUrl } from "./redactAmqpUrl.js";
export { topicMatches } from "./topicMatches.js";
export {
  CANCEL_EXCHANGE,
  claimRoutingKey,
  DEAD_EXCHANGE,
  DEAD_QUEUE,
  DEAD_QUEUE_TTL_MS,
  DEFAULT_REPLY_RETENTION,
  DELIVERY_LIMIT,
  type DeathInfo,
  deadQueueName,
  declareTopology,
  GATEWAY_QUEUE_EXPIRES_MS,
  gatewayQueueOptions,
  REGISTRY_EXCHANGE,
  REPLY_STREAM_SEGMENT_BYTES,
  type ReplyQueueType,
  type RequestQueueType,
  readAttempt,
  readDeath,
  replyQueueName,
  replyStreamOptions,
  requestQueueOptions,
} from "./topology.js";
export type {
  Broker,
  BrokerState,
  ConsumeOptions,
  Consumer,
  DeliveredMessage,
  ExchangeOptions,
  ExchangeType,
  MessageHeaders,
  MessageProperties,
  PublishOptions,
  PublishOutcome,
  QueueOptions,
  StreamOffset,
} from "./types.js";
export { waitForConnected } from "./waitForConnected.js";
