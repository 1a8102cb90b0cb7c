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

/** A live catalog entry: the latest announcement of a type and the workers announcing it. */
export type ServiceEntry = Omit<ServiceAnnouncement, "worker"> & { readonly workers: unknown[] };

export type ServiceCatalog = {
  /** Records one announcement message; malformed ones are ignored. */
  readonly onAnnouncement: (message: DeliveredMessage) => void;
  /** Every type announced within the last `staleMs`, sorted by type. */
  readonly list: () => ServiceEntry[];
  /** True when a fresh announcement names `type`. */
  readonly has: (type: string) => boolean;
  /** The `payloadSchema` of a freshly announced type, if it has one. */
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

/**
 * The gateway's live service catalog, fed by workers' announcements on `taskbridge.registry`
 * (PROTOCOL.md §3): a type or a worker not announced for `staleMs` (30 s) drops out. It answers
 * the built-in `taskbridge.services`.
 */
export const createServiceCatalog = (
  options: { readonly staleMs?: number; readonly now?: () => number } = {},
): ServiceCatalog => {
  const staleMs = options.staleMs ?? 30_000;
  const now = options.now ?? Date.now;
  const byType = new Map<
    string,
    {
      latest: ServiceAnnouncement;
      at: number;
      workers: Map<string, { worker: unknown; at: number }>;
    }
  >();

  const onAnnouncement = (message: DeliveredMessage): void => {
    const announcement = parseAnnouncement(message.body);
    if (announcement === undefined) return;
    const at = now();
    const entry = byType.get(announcement.type) ?? { latest: announcement, at, workers: new Map() };
    entry.latest = announcement;
    entry.at = at;
    if (announcement.worker !== undefined) {
      entry.workers.set(workerId(announcement.worker), { worker: announcement.worker, at });
    }
    byType.set(announcement.type, entry);
  };

  const list = (): ServiceEntry[] => {
    const t = now();
    const out: ServiceEntry[] = [];
    for (const [type, entry] of byType) {
      if (t - entry.at > staleMs) {
        byType.delete(type);
        continue;
      }
      const { worker: _worker, ...rest } = entry.latest;
      const workers = [...entry.workers.values()]
        .filter((w) => t - w.at <= staleMs)
        .map((w) => w.worker);
      out.push({ ...rest, workers });
    }
    return out.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  };

  const has = (type: string): boolean => {
    const entry = byType.get(type);
    return entry !== undefined && now() - entry.at <= staleMs;
  };

  const payloadSchemaOf = (type: string): unknown => {
    if (byType.size === 0) return undefined;
    const entry = byType.get(type);
    return entry !== undefined && now() - entry.at <= staleMs
      ? entry.latest.payloadSchema
      : undefined;
  };

  return { onAnnouncement, list, has, payloadSchemaOf };
};
