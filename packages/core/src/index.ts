// `@taskbridge/core`: what a client needs, in any runtime (browser, Node, Bun) — errors, frames
// and handler types, `makeBackendRequest`, contracts and `createClient`, the request store and
// its reducer, and the in-memory transport. The Socket.IO transport is `@taskbridge/core/socket-io`
// (so a memory-only app never bundles socket.io-client); the reference services are
// `@taskbridge/core/reference`; wire-level helpers for servers are `@taskbridge/core/protocol`.

export { createListeners, type Listeners } from "./protocol/createListeners.js";
export {
  createError,
  ERROR_CODES,
  type ErrorBody,
  type ErrorCode,
  isErrorBody,
  isErrorCode,
  toErrorBody,
} from "./protocol/errors.js";
export {
  type FrameBody,
  type FrameKind,
  isTerminalFrame,
  type Progress,
  type ReplyFrame,
  type TerminalFrame,
} from "./protocol/frames.js";
export {
  defineHandlers,
  type Handler,
  type HandlerContext,
  type Handlers,
} from "./protocol/handler.js";
export { createRequestId, isRequestId, isRequestType } from "./protocol/ids.js";
export {
  DEFAULT_TIMEOUT_MS,
  MAX_PAYLOAD_BYTES,
  MAX_TIMEOUT_MS,
  PROTOCOL_VERSION,
} from "./protocol/limits.js";
export { type LogFields, type Logger, silentLogger } from "./protocol/logger.js";
export {
  backgroundTimers,
  LONGEST_TIMEOUT_MS,
  realTimers,
  type Timers,
} from "./protocol/timers.js";
export {
  type Client,
  type ClientRequestOptions,
  type CreateClientOptions,
  createClient,
} from "./transport/createClient.js";
export {
  createMemoryTransport,
  type MemoryTransportOptions,
} from "./transport/createMemoryTransport.js";
export {
  createRequestStore,
  defaultScheduleFlush,
  type RequestStore,
  type RequestStoreOptions,
} from "./transport/createRequestStore.js";
export {
  type AnyContract,
  type ChunkOf,
  type Contract,
  type ContractEntry,
  defineContract,
  defineTypedContract,
  type PayloadOf,
  type ResultOf,
  type ServiceTypes,
  type ServiceTypesMap,
  type TypedContract,
  type TypedContractEntry,
} from "./transport/defineContract.js";
export { describeZodIssues, type FieldIssue } from "./transport/describeZodIssues.js";
export {
  fetchServices,
  parseServiceCatalog,
  SERVICES_TYPE,
  type ServiceCatalogEntry,
  type ServiceWorker,
} from "./transport/fetchServices.js";
export { type BackendRequestOptions, makeBackendRequest } from "./transport/makeBackendRequest.js";
export {
  initialRequestState,
  reduceRequestState,
  startRequestState,
} from "./transport/reduceRequestState.js";
export type { RequestState, RequestStatus } from "./transport/requestState.js";
export {
  FRAME_FALLBACK_MS,
  type FrameHost,
  scheduleFlushPerFrame,
} from "./transport/scheduleFlushPerFrame.js";
export {
  isWorkerCrash,
  simulateWorkerCrash,
  type WorkerCrash,
} from "./transport/simulateWorkerCrash.js";
export type {
  ConnectionState,
  FrameListener,
  Transport,
  TransportRequest,
} from "./transport/transport.js";
