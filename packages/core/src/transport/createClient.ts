import { createError, type ErrorBody } from "../protocol/index.js";
import {
  createRequestStore,
  type RequestStore,
  type RequestStoreOptions,
} from "./createRequestStore.js";
import {
  type AnyContract,
  type ChunkOf,
  isZodContractEntry,
  type PayloadOf,
  type ResultOf,
} from "./defineContract.js";
import { describeZodIssues } from "./describeZodIssues.js";
import { type BackendRequestOptions, makeBackendRequest } from "./makeBackendRequest.js";
import type { Transport } from "./transport.js";

export type CreateClientOptions = {
  /** Check payloads against the contract before sending (`BAD_REQUEST`). Default true. */
  readonly validatePayload?: boolean;
  /** Check results on arrival (`INTERNAL` when the server breaks the contract). Default true. */
  readonly validateResult?: boolean;
  /** Check every chunk on arrival; a bad chunk cancels the request (`INTERNAL`). Default false. */
  readonly validateChunks?: boolean;
};

/** `makeBackendRequest`'s options but `id`: each request of a client gets a fresh one. */
export type ClientRequestOptions<TChunk> = Omit<BackendRequestOptions<TChunk>, "id">;

export type Client<C extends AnyContract> = {
  readonly contract: C;
  readonly transport: Transport;
  /** `makeBackendRequest` with the types and checks of the contract. */
  request<K extends keyof C & string>(
    type: K,
    payload: PayloadOf<C, K>,
    options?: ClientRequestOptions<ChunkOf<C, K>>,
  ): Promise<ResultOf<C, K>>;
  /** A typed `createRequestStore` for one type (types only: no run-time checks). */
  createStore<K extends keyof C & string>(
    type: K,
    options?: RequestStoreOptions<ChunkOf<C, K>, ResultOf<C, K>>,
  ): RequestStore<PayloadOf<C, K>, ChunkOf<C, K>, ResultOf<C, K>>;
};

/**
 * A typed client over any transport: `request(type, payload, options)` infers the payload, chunk
 * and result types of `type` from the contract, so a wrong type name or payload does not
 * compile. At run time the payload is checked (and sent as the schema parsed it, defaults
 * filled in) before anything leaves: a bad one rejects with `BAD_REQUEST` whose `details.issues`
 * name each failing field. The result is checked on arrival. A types-only contract
 * (`defineTypedContract`, what `taskbridge types` generates from a gateway's catalog) gives the
 * same compile-time checks with no run-time schemas: the gateway validates those payloads.
 *
 * @example
 * const client = createClient(transport, referenceContract);
 * const { count } = await client.request("demo.count", { n: 3 }, { onChunk: ({ i }) => log(i) });
 */
export const createClient = <const C extends AnyContract>(
  transport: Transport,
  contract: C,
  options: CreateClientOptions = {},
): Client<C> => {
  const entryOf = (type: string) => {
    if (!Object.hasOwn(contract, type)) {
      throw createError("UNKNOWN_TYPE", `${type} is not in this client's contract`);
    }
    return contract[type]!;
  };

  const request = async <K extends keyof C & string>(
    type: K,
    payload: PayloadOf<C, K>,
    requestOptions: ClientRequestOptions<ChunkOf<C, K>> = {},
  ): Promise<ResultOf<C, K>> => {
    const found = entryOf(type);
    // A types-only entry (`defineTypedContract`) has no schemas: its checks are the compiler's
    // here and the gateway's (against the announced JSON Schema) on the way.
    const entry = isZodContractEntry(found) ? found : undefined;
    let body: unknown = payload;
    if (entry !== undefined && options.validatePayload !== false) {
      const parsed = entry.payload.safeParse(payload);
      if (!parsed.success) {
        const issues = describeZodIssues(parsed.error);
        throw createError(
          "BAD_REQUEST",
          `invalid payload for ${type}: ${issues.map((i) => `${i.path || "(payload)"}: ${i.message}`).join("; ")}`,
          { details: { issues } },
        );
      }
      body = parsed.data;
    }
    let badChunk: ErrorBody | undefined;
    const stop = new AbortController();
    const signal = requestOptions.signal
      ? AbortSignal.any([requestOptions.signal, stop.signal])
      : stop.signal;
    const checkChunk = (chunk: unknown): void => {
      if (badChunk) return;
      if (options.validateChunks && entry?.chunk) {
        const parsed = entry.chunk.safeParse(chunk);
        if (!parsed.success) {
          badChunk = createError("INTERNAL", `a chunk of ${type} does not match its contract`, {
            details: { issues: describeZodIssues(parsed.error) },
          });
          stop.abort();
          return;
        }
      }
      requestOptions.onChunk?.(chunk as ChunkOf<C, K>);
    };
    let data: unknown;
    try {
      data = await makeBackendRequest(transport, type, body, {
        ...requestOptions,
        signal,
        onChunk: checkChunk,
      });
    } catch (error) {
      throw badChunk ?? error;
    }
    if (entry === undefined || options.validateResult === false) return data as ResultOf<C, K>;
    const parsed = entry.result.safeParse(data);
    if (!parsed.success) {
      throw createError("INTERNAL", `the result of ${type} does not match its contract`, {
        details: { issues: describeZodIssues(parsed.error) },
      });
    }
    return parsed.data as ResultOf<C, K>;
  };

  return {
    contract,
    transport,
    request,
    createStore: (type, storeOptions) => {
      entryOf(type);
      return createRequestStore(transport, type, storeOptions);
    },
  };
};
