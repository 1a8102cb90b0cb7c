import { z } from "zod";
import type { ServiceInfo } from "./createAnnouncer.js";

/**
 * The shape of a contract a worker can announce: per type, zod schemas for the payload, the
 * chunks (streams only) and the result, and optionally a description and a version. It is the
 * structure `defineContract` (from `taskbridge`) builds, restated here because workers may not
 * import `transport/`; any `defineContract` value fits it.
 */
export type WorkerContract = {
  readonly [type: string]: {
    readonly payload: z.ZodType;
    readonly chunk?: z.ZodType;
    readonly result: z.ZodType;
    readonly description?: string;
    readonly version?: string;
  };
};

/** JSON Schema draft 2020-12 of one side of a zod schema; unrepresentable parts become `{}`. */
const jsonSchemaOf = (schema: z.ZodType, io: "input" | "output"): Record<string, unknown> =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;

/**
 * What a worker announces for each type of a zod contract (docs/protocol.md §6): the payload's
 * *input* schema (what a caller may send, defaults optional) and the chunk's and result's
 * *output* schemas (what a caller receives), as JSON Schema draft 2020-12 from zod 4's native
 * export, plus the description and version. A schema zod cannot represent in JSON Schema (a
 * transform's output, a function) is announced as `{}` ("anything") rather than failing the
 * worker. `registerHandlers({ handlers, contract })` calls it for you.
 *
 * @example
 * servicesFromContract(referenceContract)["demo.count"].payloadSchema;
 * // { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: { n: … }, required: ["n"] }
 */
export const servicesFromContract = (contract: WorkerContract): Record<string, ServiceInfo> => {
  const services: Record<string, ServiceInfo> = {};
  for (const [type, entry] of Object.entries(contract)) {
    services[type] = {
      ...(entry.version === undefined ? {} : { version: entry.version }),
      ...(entry.description === undefined ? {} : { description: entry.description }),
      payloadSchema: jsonSchemaOf(entry.payload, "input"),
      ...(entry.chunk === undefined ? {} : { chunkSchema: jsonSchemaOf(entry.chunk, "output") }),
      resultSchema: jsonSchemaOf(entry.result, "output"),
    };
  }
  return services;
};
