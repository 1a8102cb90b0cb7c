// `npx tsx workers/reference/writeReferenceSchemas.ts`: regenerates the Python reference
// worker's announcements (workers/python/taskbridge/reference_schemas.json) from
// referenceContract.ts, then formats it with Biome. Run it after changing the contract.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { PYTHON_REFERENCE_SCHEMAS_PATH, referenceSchemasJson } from "./referenceSchemasJson.js";

writeFileSync(PYTHON_REFERENCE_SCHEMAS_PATH, referenceSchemasJson());
execFileSync("npx", ["biome", "format", "--write", PYTHON_REFERENCE_SCHEMAS_PATH], {
  stdio: "inherit",
});
console.info(`wrote ${PYTHON_REFERENCE_SCHEMAS_PATH}`);
