export * from "./createClient.js";
export * from "./createMemoryTransport.js";
export * from "./createRequestStore.js";
export { createSocketIoTransport, type SocketIoTransport } from "./createSocketIoTransport.js";
export * from "./defineContract.js";
export * from "./describeZodIssues.js";
export * from "./fetchServices.js";
export * from "./makeBackendRequest.js";
export * from "./openRequest.js";
export * from "./reduceRequestState.js";
export * from "./runHandler.js";
export * from "./simulateWorkerCrash.js";
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_GRACE_MS,
  defaultTransportLogger,
  defaultTransportTimers,
  type SocketIoFactory,
  type SocketIoTransportOptions,
  type TokenSource,
  type TransportLogger,
  type TransportTimers,
} from "./socketIoTransportOptions.js";
export type * from "./types.js";
