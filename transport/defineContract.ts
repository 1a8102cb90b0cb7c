import type { z } from "zod";

/** The schemas of one request type: payload, chunk (for streams) and result. */
export type ContractEntry = {
  readonly payload: z.ZodType;
  readonly chunk?: z.ZodType;
  readonly result: z.ZodType;
  readonly description?: string;
};

/** Request types and their schemas: what a client may call, and what it gets back. */
export type Contract = { readonly [type: string]: ContractEntry };

/** What a caller passes as the payload of `type` (the schema's input). */
export type PayloadOf<C extends Contract, K extends keyof C> = z.input<C[K]["payload"]>;
/** A chunk of `type` (the chunk schema's output), `never` for types that do not stream. */
export type ChunkOf<C extends Contract, K extends keyof C> = C[K] extends {
  readonly chunk: infer S extends z.ZodType;
}
  ? z.output<S>
  : never;
/** The result of `type` (the result schema's output). */
export type ResultOf<C extends Contract, K extends keyof C> = z.output<C[K]["result"]>;

/**
 * Declares request types with zod schemas for their payload, chunk and result, once, for both
 * sides: `createClient(transport, contract)` infers every call's types from it (a wrong type name
 * or payload is a compile error) and validates at run time, and a worker can announce
 * `z.toJSONSchema(contract[type].payload)` to the registry. Returns its argument unchanged; it
 * exists to check the shape and keep the literal types.
 *
 * @example
 * const contract = defineContract({
 *   "report.generate": {
 *     payload: z.object({ month: z.string() }),
 *     chunk: z.object({ line: z.string() }),
 *     result: z.object({ url: z.string() }),
 *     description: "Builds the monthly report",
 *   },
 * });
 */
export const defineContract = <const C extends Contract>(contract: C): C => contract;
