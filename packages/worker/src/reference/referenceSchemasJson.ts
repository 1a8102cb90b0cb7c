import { referenceContract } from "@taskbridge/core/reference-contract";
import { servicesFromContract } from "../servicesFromContract.js";

/** Where the Python SDK keeps its copy of the reference services' announcements. */
export const PYTHON_REFERENCE_SCHEMAS_PATH = "workers/python/taskbridge/reference_schemas.json";

/**
 * What a reference worker announces per type (docs/protocol.md §6) — description and JSON Schemas —
 * as the JSON text the Python SDK checks in at `PYTHON_REFERENCE_SCHEMAS_PATH`. Both reference
 * workers must announce the same, or a gateway's validation would depend on which worker of a
 * type spoke last; `referenceSchemasJson.test.ts` fails when the file and `referenceContract`
 * drift apart, and `npx tsx packages/worker/src/reference/writeReferenceSchemas.ts` rewrites it.
 *
 * @example
 * JSON.parse(referenceSchemasJson())["demo.count"].payloadSchema.required; // ["n"]
 */
export const referenceSchemasJson = (): string =>
  `${JSON.stringify(servicesFromContract(referenceContract), null, 2)}\n`;
