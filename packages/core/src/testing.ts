// `@taskbridge/core/testing`: a manual clock for tests of anything that takes `Timers` — the
// transports, the brokers, the gateway, the worker SDK. Not for production code.
export { createManualTimers, type ManualTimers } from "./protocol/createManualTimers.js";
