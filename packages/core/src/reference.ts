// `@taskbridge/core/reference`: the reference services of docs/protocol.md §8 as plain handlers.
// Browser-safe and zod-free: the memory transport, Storybook and tests run them in-process;
// `@taskbridge/worker` serves the same handlers from RabbitMQ. Their zod contract is
// `@taskbridge/core/reference-contract`.
export { referenceHandlers } from "./reference/referenceHandlers.js";
