export * from "./createRequestStore.js";
export * from "./openRequest.js";
export * from "./reduceRequestState.js";
export type * from "./types.js";
