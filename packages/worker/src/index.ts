// `@taskbridge/worker`: the TypeScript worker SDK. Serve handlers from RabbitMQ with
// `registerHandlers`; the same handler objects run in the memory transport.
export type {
  Handler,
  HandlerContext,
  Handlers,
  Progress,
} from "@taskbridge/core/protocol";
export { createError, defineHandlers } from "@taskbridge/core/protocol";
export { referenceHandlers } from "@taskbridge/core/reference";
export { type ReferenceContract, referenceContract } from "@taskbridge/core/reference-contract";
export { consoleWorkerLogger } from "./consoleWorkerLogger.js";
export type { ServiceInfo } from "./createAnnouncer.js";
export { SDK_VERSION } from "./createAnnouncer.js";
export {
  DEFAULT_CHUNK_WINDOW_MS,
  DEFAULT_MAX_CHUNKS_PER_REPLY,
  MAX_CHUNKS_BODY_BYTES,
} from "./createChunkBatcher.js";
export { requestIdOf } from "./readRequestMeta.js";
export type { WorkerEnv } from "./readWorkerEnv.js";
export { DEFAULT_AMQP_URL, readWorkerEnv } from "./readWorkerEnv.js";
export type { QueueType, RegisterHandlersOptions, Worker } from "./registerHandlers.js";
export {
  DEFAULT_GRACE_MS,
  DEFAULT_MAX_PENDING_REPLIES,
  DEFAULT_PREFETCH,
  registerHandlers,
} from "./registerHandlers.js";
export { servicesFromContract, type WorkerContract } from "./servicesFromContract.js";
export {
  EXIT_WITH_PARENT_ENV,
  type WatchParentExitOptions,
  watchParentExit,
} from "./watchParentExit.js";
