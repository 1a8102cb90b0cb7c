import { z } from "zod";
import { greetContract } from "../../examples/registry/greetService.js";

/** JSON Schema draft 2020-12 of one side of a zod schema, as the worker SDK announces it. */
const announced = (schema: z.ZodType, io: "input" | "output"): Record<string, unknown> =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;

const greet = greetContract["example.greet"];

/**
 * What the TypeScript example's worker announces for `example.greet`: the same conversion as
 * `servicesFromContract` of `@taskbridge/worker` (greetAnnouncement.test.ts holds them equal).
 * Stories do not import that package: it is the worker's, a server package that imports `node:`
 * modules, and a browser bundle that loads it logs "Module node:util has been externalized" in
 * the dev server.
 */
export const greetAnnouncement = {
  version: greet.version,
  description: greet.description,
  payloadSchema: announced(greet.payload, "input"),
  chunkSchema: announced(greet.chunk, "output"),
  resultSchema: announced(greet.result, "output"),
};
