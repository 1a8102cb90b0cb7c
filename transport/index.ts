export * from "./createMemoryTransport.js";
export * from "./createRequestStore.js";
export * from "./makeBackendRequest.js";
export * from "./openRequest.js";
export * from "./reduceRequestState.js";
export * from "./runHandler.js";
export * from "./simulateWorkerCrash.js";
export type * from "./types.js";
