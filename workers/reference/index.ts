export { delay } from "../../protocol/delay.js";
export * from "./referenceContract.js";
export * from "./referenceHandlers.js";
