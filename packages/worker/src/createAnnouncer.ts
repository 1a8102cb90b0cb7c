import type { Broker } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";

/** What a worker may say about a type it serves, beyond its name (docs/protocol.md §6). */
export type ServiceInfo = {
  readonly version?: string;
  readonly description?: string;
  readonly payloadSchema?: unknown;
  readonly chunkSchema?: unknown;
  readonly resultSchema?: unknown;
};

/** This SDK's version, as announced in the registry. */
export const SDK_VERSION = "0.1.0";

/** How often a worker re-announces its types: docs/protocol.md §6 says every 10 s. */
export const ANNOUNCE_INTERVAL_MS = 10_000;

export type AnnouncerOptions = {
  readonly broker: Broker;
  readonly exchange: string;
  readonly workerId: string;
  /** Type → queue it is served from. */
  readonly queues: Readonly<Record<string, string>>;
  readonly services?: Readonly<Record<string, ServiceInfo>>;
  readonly logger: Logger;
  readonly intervalMs?: number;
};

/**
 * Announces a worker's types on the registry exchange (routing key `announce.<type>`) now, every
 * `intervalMs`, and whenever `announce()` is called (on a gateway's `query`, after a reconnect).
 * Failures are logged, never thrown: the registry is advisory, requests flow without it.
 *
 * @example
 * const announcer = createAnnouncer({ broker, exchange: "taskbridge.registry", workerId, queues, logger });
 * announcer.start();
 * // … later
 * announcer.stop();
 */
export const createAnnouncer = ({
  broker,
  exchange,
  workerId,
  queues,
  services = {},
  logger,
  intervalMs = ANNOUNCE_INTERVAL_MS,
}: AnnouncerOptions) => {
  const worker = { id: workerId, language: "typescript", sdkVersion: SDK_VERSION };
  const bodies = Object.entries(queues).map(([type, queue]) => ({
    routingKey: `announce.${type}`,
    body: JSON.stringify({ type, queue, ...services[type], worker }),
  }));
  let timer: ReturnType<typeof setInterval> | undefined;

  const announce = (): Promise<void> =>
    Promise.all(
      bodies.map(({ routingKey, body }) =>
        broker.publish(exchange, routingKey, body, { contentType: "application/json" }),
      ),
    ).then(
      () => undefined,
      (error: unknown) =>
        logger.warn("could not announce to the registry", { error: String(error) }),
    );

  return {
    announce,
    start: () => {
      if (timer !== undefined) return;
      timer = setInterval(() => void announce(), intervalMs);
      void announce();
    },
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
};
