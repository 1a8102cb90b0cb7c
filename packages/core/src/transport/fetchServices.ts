import { makeBackendRequest } from "./makeBackendRequest.js";
import type { Transport } from "./transport.js";

/** A worker serving a type, as it announced itself (docs/protocol.md §6). */
export type ServiceWorker = {
  readonly id: string;
  /** `typescript` or `python`. */
  readonly language: string;
  readonly sdkVersion: string;
};

/** One entry of a gateway's live catalog, as `taskbridge.services` lists it. */
export type ServiceCatalogEntry = {
  readonly type: string;
  readonly queue?: string;
  readonly version?: string;
  readonly description?: string;
  /** JSON Schema (draft 2020-12) of the payload, as announced; the gateway validates with it. */
  readonly payloadSchema?: unknown;
  readonly chunkSchema?: unknown;
  readonly resultSchema?: unknown;
  /** The workers that announced the type within the stale window. */
  readonly workers: readonly ServiceWorker[];
  /** True when no worker has announced the type for the stale window (30 s). */
  readonly stale?: boolean;
};

/** The built-in request type a gateway answers with its catalog. */
export const SERVICES_TYPE = "taskbridge.services";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const toWorker = (value: unknown): ServiceWorker | undefined =>
  isObject(value) && typeof value.id === "string"
    ? {
        id: value.id,
        language: typeof value.language === "string" ? value.language : "unknown",
        sdkVersion: typeof value.sdkVersion === "string" ? value.sdkVersion : "unknown",
      }
    : undefined;

/**
 * Reads a catalog answer defensively: entries without a string `type` are dropped, `workers`
 * keeps the well-formed ones, and the list is sorted by type. Servers other than the gateway
 * (a memory transport handler in a story) may answer `taskbridge.services` too.
 */
export const parseServiceCatalog = (result: unknown): ServiceCatalogEntry[] => {
  const list = isObject(result) && Array.isArray(result.services) ? result.services : [];
  return list
    .filter(
      (entry): entry is Record<string, unknown> =>
        isObject(entry) && typeof entry.type === "string",
    )
    .map((entry) => ({
      ...entry,
      type: entry.type as string,
      workers: (Array.isArray(entry.workers) ? entry.workers : [])
        .map(toWorker)
        .filter((worker): worker is ServiceWorker => worker !== undefined),
    }))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
};

/**
 * Asks the server behind `transport` for its live service catalog (the built-in
 * `taskbridge.services`, docs/protocol.md §6): which types are served, their description, version,
 * JSON Schemas and workers. Rejects with the error body, as `makeBackendRequest` does.
 *
 * @example
 * for (const service of await fetchServices(transport)) console.log(service.type, service.workers.length);
 */
export const fetchServices = async (
  transport: Transport,
  options: { readonly signal?: AbortSignal; readonly timeoutMs?: number } = {},
): Promise<ServiceCatalogEntry[]> =>
  parseServiceCatalog(
    await makeBackendRequest(transport, SERVICES_TYPE, null, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    }),
  );
