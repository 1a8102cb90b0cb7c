import type { z } from "zod";

/** The schemas of one request type: payload, chunk (for streams) and result. */
export type ContractEntry = {
  readonly payload: z.ZodType;
  readonly chunk?: z.ZodType;
  readonly result: z.ZodType;
  readonly description?: string;
  /** Announced with the schemas (a worker's `registerHandlers({ contract })`). */
  readonly version?: string;
};

/** Request types and their schemas: what a client may call, and what it gets back. */
export type Contract = { readonly [type: string]: ContractEntry };

/**
 * The compile-time types of one request type, with no run-time schema: what `taskbridge types`
 * generates from a gateway's catalog for services in any language.
 */
export type ServiceTypes = {
  readonly payload: unknown;
  readonly chunk?: unknown;
  readonly result: unknown;
};

/**
 * One entry of a types-only contract (`defineTypedContract`): what is known at run time
 * (description, version) and, under `~types`, the types. `~types` is never set: it only
 * carries `T` for inference.
 */
export type TypedContractEntry<T extends ServiceTypes = ServiceTypes> = {
  readonly description?: string;
  readonly version?: string;
  readonly "~types"?: T;
};

/**
 * Request types and their `ServiceTypes`, as a type literal or an interface (what the generator
 * writes: interfaces have no index signature, hence the mapped constraint).
 */
export type ServiceTypesMap<S> = { readonly [K in keyof S]: ServiceTypes };

/** A types-only contract: every type of `S` with its payload, chunk and result types. */
export type TypedContract<S extends ServiceTypesMap<S>> = {
  readonly [K in keyof S]: TypedContractEntry<S[K]>;
};

/** What `createClient` takes: a zod contract, a types-only contract, or a mix of their entries. */
export type AnyContract = {
  readonly [type: string]: ContractEntry | TypedContractEntry;
};

type TypesOf<E> = E extends { readonly "~types"?: infer T } ? NonNullable<T> : never;

/** True for the entries of a zod contract (they can check values at run time). */
export const isZodContractEntry = (
  entry: ContractEntry | TypedContractEntry,
): entry is ContractEntry =>
  "payload" in entry &&
  typeof (entry as { payload?: { safeParse?: unknown } }).payload?.safeParse === "function";

/** What a caller passes as the payload of `type` (the schema's input). */
export type PayloadOf<C extends AnyContract, K extends keyof C> = C[K] extends {
  readonly payload: infer S extends z.ZodType;
}
  ? z.input<S>
  : TypesOf<C[K]>["payload"];
/** A chunk of `type` (the chunk schema's output), `never` for types that do not stream. */
export type ChunkOf<C extends AnyContract, K extends keyof C> = C[K] extends {
  readonly payload: z.ZodType;
}
  ? C[K] extends { readonly chunk: infer S extends z.ZodType }
    ? z.output<S>
    : never
  : TypesOf<C[K]> extends { readonly chunk?: infer T }
    ? T
    : never;
/** The result of `type` (the result schema's output). */
export type ResultOf<C extends AnyContract, K extends keyof C> = C[K] extends {
  readonly result: infer S extends z.ZodType;
}
  ? z.output<S>
  : TypesOf<C[K]>["result"];

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

/**
 * Declares a types-only contract: the request types a client may call and, as the type
 * argument, their payload, chunk and result types, with no zod schemas at run time. It is what
 * `taskbridge types` writes from a gateway's live catalog, so `createClient(transport,
 * services)` checks calls at compile time whatever language serves them; at run time the
 * gateway validates payloads against the announced JSON Schemas. The argument lists every
 * type (a call to another type is `UNKNOWN_TYPE` before anything is sent) with its description
 * and version.
 *
 * @example
 * type Services = { "report.monthly": { payload: { month: string }; chunk: { page: number }; result: { url: string } } };
 * const services = defineTypedContract<Services>({ "report.monthly": { description: "Builds a report" } });
 * const { url } = await createClient(transport, services).request("report.monthly", { month: "2026-05" });
 */
export const defineTypedContract = <S extends ServiceTypesMap<S>>(
  entries: {
    readonly [K in keyof S]: Omit<TypedContractEntry<S[K]>, "~types">;
  },
): TypedContract<S> => entries as TypedContract<S>;
