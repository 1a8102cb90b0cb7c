import type { DeliveredMessage } from "../broker/types.js";
import { isRequestType } from "../protocol/index.js";

/** One service as a worker announces it on `taskbridge.registry` (PROTOCOL.md §3). */
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
 * A live catalog entry: what the fresh announcements of a type say, merged across its workers
 * (each field from the most recent fresh announcement that carries it), and those workers.
 */
export type ServiceEntry = Omit<ServiceAnnouncement, "worker"> & { readonly workers: unknown[] };

export type ServiceCatalog = {
  /** Records one announcement message; malformed ones are ignored. */
  readonly onAnnouncement: (message: DeliveredMessage) => void;
  /** Every type announced within the last `staleMs`, sorted by type. */
  readonly list: () => ServiceEntry[];
  /** True when a fresh announcement names `type`. */
  readonly has: (type: string) => boolean;
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
 * (PROTOCOL.md §3). It keeps the latest announcement of each worker of each type, and each goes
 * stale on its own 30 s (`staleMs`) after it was heard; a type with no fresh worker drops out.
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
  options: { readonly staleMs?: number; readonly now?: () => number } = {},
): ServiceCatalog => {
  const staleMs = options.staleMs ?? 30_000;
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

  /** The fresh announcements of `type` by worker; forgets stale ones and empty types. */
  const fresh = (type: string): Heard[] => {
    const heard = byType.get(type);
    if (heard === undefined) return [];
    const t = now();
    for (const [key, { at }] of heard) if (t - at > staleMs) heard.delete(key);
    if (heard.size === 0) byType.delete(type);
    return [...heard.values()];
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
      const heard = fresh(type);
      const latest = latestWith(heard, "queue");
      if (latest === undefined) continue;
      const entry: Record<string, unknown> = { type, queue: latest.announcement.queue };
      for (const field of OPTIONAL_FIELDS) {
        const carrier = latestWith(heard, field);
        if (carrier !== undefined) entry[field] = carrier.announcement[field];
      }
      const workers = heard
        .map(({ announcement }) => announcement.worker)
        .filter((worker) => worker !== undefined);
      out.push({ ...(entry as Omit<ServiceAnnouncement, "worker">), workers });
    }
    return out.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  };

  const has = (type: string): boolean => fresh(type).length > 0;

  const payloadSchemaOf = (type: string): unknown =>
    byType.size === 0
      ? undefined
      : latestWith(fresh(type), "payloadSchema")?.announcement.payloadSchema;

  return { onAnnouncement, list, has, payloadSchemaOf };
};
