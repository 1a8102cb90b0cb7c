// `@taskbridge/core/reference`: the reference services of docs/protocol.md §5 as plain handlers
// and their contract. Browser-safe: the memory transport, Storybook and tests run them in-process;
// `@taskbridge/worker` serves the same handlers from RabbitMQ.
export { type ReferenceContract, referenceContract } from "./reference/referenceContract.js";
export { referenceHandlers } from "./reference/referenceHandlers.js";
