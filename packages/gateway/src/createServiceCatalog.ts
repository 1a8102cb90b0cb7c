import type { DeliveredMessage } from "@taskbridge/broker";
import { isRequestType } from "@taskbridge/core/protocol";

/** One service as a worker announces it on `taskbridge.registry` (docs/protocol.md §6). */
export type ServiceAnnouncement = {
  readonly type: string;
  readonly queue: string;
  readonly version?: string;
  readonly description?: string;
  readonly payloadSchema?: unknown;
  readonly chunkSchema?: unknown;
  readonly resultSchema?: unknown;
  readonly worker?: unknown;
};

/**
 * A catalog entry: what the fresh announcements of a type say, merged across its workers (each
 * field from the most recent fresh announcement that carries it), and those workers. A type no
 * worker announced for `staleMs` is `stale`, with no workers and what was last announced, until
 * `forgetMs` has passed.
 */
export type ServiceEntry = Omit<ServiceAnnouncement, "worker"> & {
  readonly workers: unknown[];
  readonly stale?: true;
};

/** What the catalog knows of a type: `live` (a fresh worker), `stale` (announced, then silent), or `unknown`. */
export type ServiceStatus = "live" | "stale" | "unknown";

export type ServiceCatalog = {
  /** Records one announcement message; malformed ones are ignored. */
  readonly onAnnouncement: (message: DeliveredMessage) => void;
  /** Every type announced within the last `staleMs`, sorted by type. */
  readonly list: () => ServiceEntry[];
  /** True when a fresh announcement names `type`. */
  readonly has: (type: string) => boolean;
  /** `live`, `stale` or `unknown`: `UNAVAILABLE` versus `UNKNOWN_TYPE` for a gateway that knows its types. */
  readonly statusOf: (type: string) => ServiceStatus;
  /**
   * The `payloadSchema` of a freshly announced type: the most recent one any fresh worker of the
   * type announced, so a worker that announces none does not switch validation off.
   */
  readonly payloadSchemaOf: (type: string) => unknown;
};

const decoder = new TextDecoder();

const parseAnnouncement = (body: Uint8Array): ServiceAnnouncement | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (!isRequestType(record.type) || typeof record.queue !== "string") return undefined;
  const pick = (key: string) => (Object.hasOwn(record, key) ? { [key]: record[key] } : {});
  return {
    type: record.type,
    queue: record.queue,
    ...pick("version"),
    ...pick("description"),
    ...pick("payloadSchema"),
    ...pick("chunkSchema"),
    ...pick("resultSchema"),
    ...pick("worker"),
  } as ServiceAnnouncement;
};

const workerId = (worker: unknown): string =>
  typeof worker === "object" &&
  worker !== null &&
  typeof (worker as { id?: unknown }).id === "string"
    ? (worker as { id: string }).id
    : JSON.stringify(worker ?? null);

const OPTIONAL_FIELDS = [
  "version",
  "description",
  "payloadSchema",
  "chunkSchema",
  "resultSchema",
] as const;

/** One worker's latest announcement of a type: when it was heard, and its place in hearing order. */
type Heard = {
  readonly announcement: ServiceAnnouncement;
  readonly at: number;
  readonly order: number;
};

/**
 * The gateway's live service catalog, fed by workers' announcements on `taskbridge.registry`
 * (docs/protocol.md §6). It keeps the latest announcement of each worker of each type, and each goes
 * stale on its own 30 s (`staleMs`) after it was heard; a type with no fresh worker is listed
 * `stale` (known, but nobody serves it) until an hour (`forgetMs`) after its last announcement.
 * The workers of a type are merged: `list()` gives each field from the most recent fresh
 * announcement that carries it, and `payloadSchemaOf` a schema whenever any fresh worker
 * announced one — a TypeScript and a Python worker of one type, one announcing schemas and one
 * not, do not make validation flap every 10 s. It answers the built-in `taskbridge.services`.
 *
 * @example
 * const catalog = createServiceCatalog();
 * catalog.onAnnouncement(message); // { type: "demo.count", queue: "demo.count", payloadSchema, worker }
 * catalog.payloadSchemaOf("demo.count"); // that schema, until 30 s without a worker announcing it
 */
export const createServiceCatalog = (
  options: {
    readonly staleMs?: number;
    readonly forgetMs?: number;
    readonly now?: () => number;
  } = {},
): ServiceCatalog => {
  const staleMs = options.staleMs ?? 30_000;
  const forgetMs = Math.max(staleMs, options.forgetMs ?? 3_600_000);
  const now = options.now ?? Date.now;
  /** type → worker key → that worker's latest announcement (workers in first-heard order). */
  const byType = new Map<string, Map<string, Heard>>();
  let heardCount = 0;

  const onAnnouncement = (message: DeliveredMessage): void => {
    const announcement = parseAnnouncement(message.body);
    if (announcement === undefined) return;
    const heard = byType.get(announcement.type) ?? new Map<string, Heard>();
    const key = workerId(announcement.worker);
    heard.set(key, { announcement, at: now(), order: ++heardCount });
    byType.set(announcement.type, heard);
  };

  /** The announcements of `type` heard within `forgetMs`; forgets older ones and empty types. */
  const remembered = (type: string): Heard[] => {
    const heard = byType.get(type);
    if (heard === undefined) return [];
    const t = now();
    for (const [key, { at }] of heard) if (t - at > forgetMs) heard.delete(key);
    if (heard.size === 0) byType.delete(type);
    return [...heard.values()];
  };

  /** The fresh announcements of `type` by worker. */
  const fresh = (type: string): Heard[] => {
    const t = now();
    return remembered(type).filter(({ at }) => t - at <= staleMs);
  };

  /** The most recently heard announcement of `heard` that carries `field`. */
  const latestWith = (heard: Heard[], field: keyof ServiceAnnouncement): Heard | undefined => {
    let latest: Heard | undefined;
    for (const entry of heard) {
      if (entry.announcement[field] === undefined) continue;
      if (latest === undefined || entry.order > latest.order) latest = entry;
    }
    return latest;
  };

  const list = (): ServiceEntry[] => {
    const out: ServiceEntry[] = [];
    for (const type of [...byType.keys()]) {
      const all = remembered(type);
      const live = fresh(type);
      // A stale type shows what its workers last said; a live one what its fresh workers say.
      const heard = live.length > 0 ? live : all;
      const latest = latestWith(heard, "queue");
      if (latest === undefined) continue;
      const entry: Record<string, unknown> = { type, queue: latest.announcement.queue };
      for (const field of OPTIONAL_FIELDS) {
        const carrier = latestWith(heard, field);
        if (carrier !== undefined) entry[field] = carrier.announcement[field];
      }
      const fields = entry as Omit<ServiceAnnouncement, "worker">;
      if (live.length === 0) {
        out.push({ ...fields, workers: [], stale: true });
        continue;
      }
      const workers = live
        .map(({ announcement }) => announcement.worker)
        .filter((worker) => worker !== undefined);
      out.push({ ...fields, workers });
    }
    return out.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  };

  const has = (type: string): boolean => fresh(type).length > 0;

  const statusOf = (type: string): ServiceStatus =>
    fresh(type).length > 0 ? "live" : remembered(type).length > 0 ? "stale" : "unknown";

  // Asked for every request: the latest fresh schema, found without building arrays.
  const payloadSchemaOf = (type: string): unknown => {
    const heard = byType.get(type);
    if (heard === undefined) return undefined;
    const t = now();
    let latest: Heard | undefined;
    for (const entry of heard.values()) {
      if (t - entry.at > staleMs || entry.announcement.payloadSchema === undefined) continue;
      if (latest === undefined || entry.order > latest.order) latest = entry;
    }
    return latest?.announcement.payloadSchema;
  };

  return { onAnnouncement, list, has, statusOf, payloadSchemaOf };
};
