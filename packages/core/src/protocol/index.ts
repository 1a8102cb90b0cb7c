export * from "./delay.js";
export * from "./errors.js";
export * from "./frames.js";
export * from "./handler.js";
export * from "./ids.js";
export * from "./limits.js";
export * from "./parseClientEvent.js";
