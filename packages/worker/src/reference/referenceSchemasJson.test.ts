import { readFileSync } from "node:fs";
import { referenceContract } from "@taskbridge/core/reference-contract";
import { servicesFromContract } from "../servicesFromContract.js";
import { PYTHON_REFERENCE_SCHEMAS_PATH, referenceSchemasJson } from "./referenceSchemasJson.js";

describe("the Python reference worker's announcements", () => {
  it("are the TS reference contract's description and JSON Schemas (else run writeReferenceSchemas.ts)", () => {
    const checkedIn: unknown = JSON.parse(readFileSync(PYTHON_REFERENCE_SCHEMAS_PATH, "utf8"));
    // If this fails: `npx tsx workers/reference/writeReferenceSchemas.ts` and commit the file.
    expect(checkedIn).toEqual(servicesFromContract(referenceContract));
  });

  it("carry every reference type with a description and a payload schema", () => {
    const services = JSON.parse(referenceSchemasJson()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(services).sort()).toEqual([
      "demo.count",
      "demo.echo",
      "demo.fail",
      "demo.progress",
    ]);
    expect(services["demo.count"]).toMatchObject({
      description: expect.stringContaining("Streams chunks"),
      payloadSchema: { type: "object", required: ["n"] },
    });
  });
});
