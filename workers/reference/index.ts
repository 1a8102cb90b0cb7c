export * from "./delay.js";
export * from "./referenceContract.js";
export * from "./referenceHandlers.js";
