export * from "./brokerError.js";
export * from "./createMemoryBroker.js";
export * from "./logger.js";
export { createMemoryServer, type MemoryServer, type MemoryServerOptions } from "./memoryServer.js";
export * from "./timers.js";
export * from "./topicMatches.js";
export * from "./topology.js";
export type * from "./types.js";
