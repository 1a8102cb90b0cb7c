// `@taskbridge/core/reference-contract`: the zod contract of the reference services
// (docs/protocol.md §8), for `createClient(transport, referenceContract)` and for workers that
// announce their schemas. Needs zod installed (an optional peer of @taskbridge/core); the
// handlers themselves are `@taskbridge/core/reference`, which does not.
export { type ReferenceContract, referenceContract } from "./reference/referenceContract.js";
