// `@taskbridge/broker/testing`: a manual clock for tests of time-bound broker behaviour.
export { createManualTimers, type ManualTimers } from "./createManualTimers.js";
