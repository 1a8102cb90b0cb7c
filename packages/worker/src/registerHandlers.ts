import type { Broker, Consumer, DeliveredMessage } from "@taskbridge/broker";
import { REGISTRY_EXCHANGE, type RequestQueueType } from "@taskbridge/broker";
import {
  BUILTIN_TYPE_PREFIX,
  type Handlers,
  isRequestType,
  type Logger,
  randomId,
  type Timers,
} from "@taskbridge/core/protocol";
import { connectRabbit } from "./connectRabbit.js";
import { consoleWorkerLogger } from "./consoleWorkerLogger.js";
import { createAnnouncer, type ServiceInfo } from "./createAnnouncer.js";
import { createCancelRegistry } from "./createCancelRegistry.js";
import { DEFAULT_CHUNK_WINDOW_MS, DEFAULT_MAX_CHUNKS_PER_REPLY } from "./createChunkBatcher.js";
import { createRequestRunner, type Run } from "./createRequestRunner.js";
import { declareWorkerQueues } from "./declareWorkerQueues.js";
import { parseCancelMessage } from "./parseCancelMessage.js";
import { readRequestMeta } from "./readRequestMeta.js";
import { servicesFromContract, type WorkerContract } from "./servicesFromContract.js";

/** `quorum` (default: delivery limit, dead-lettering) or `classic` (lower latency, no limit). */
export type QueueType = RequestQueueType;

export type RegisterHandlersOptions = {
  /** The handlers to serve, by request type; each type is served from its own queue. */
  readonly handlers: Handlers;
  /** A broker to run on (the caller keeps owning it); or else `url`. */
  readonly broker?: Broker;
  /**
   * Where to connect when no `broker` is given: an AMQP URL, a comma-separated list of them or an
   * array (the nodes of a cluster, failed over in turn). The worker closes that connection.
   */
  readonly url?: string | readonly string[];
  /** How a `url` (a list as a comma-separated string) becomes a broker; defaults to RabbitMQ via amqplib. */
  readonly connect?: (url: string, logger: Logger) => Promise<Broker>;
  /** Unacked requests each type's consumer holds (and runs) at once. Default 16. */
  readonly prefetch?: number;
  readonly queueType?: QueueType;
  /** Prepended to every queue name (`<prefix><type>`): isolates test runs on a shared broker. */
  readonly queuePrefix?: string;
  /** How long `close()` lets running handlers finish before it aborts them. Default 10 000 ms. */
  readonly graceMs?: number;
  /** Names this worker's cancel queue and its registry announcements. Default: random. */
  readonly workerId?: string;
  readonly logger?: Logger;
  /** The clock deadlines are checked against. */
  readonly now?: () => number;
  /**
   * Timers of the back-off before a request whose reply could not be published is handed back
   * (100 ms doubling to 5 s per request) and of the chunk batching window. Default: the real timers.
   */
  readonly timers?: Pick<Timers, "setTimeout" | "clearTimeout">;
  /**
   * How long a batch of chunks waits for more after its first chunk, in ms: 0 … 5, default 5
   * (docs/protocol.md §14.2). Only requests from a gateway that accepts `chunks` are batched.
   */
  readonly chunkWindowMs?: number;
  /** The most chunks in one `chunks` reply (default 256); 1 sends every chunk alone, as in v1. */
  readonly maxChunksPerReply?: number;
  /** Send one terminal `error` `CANCELLED` when a running request is cancelled. Default true. */
  readonly replyOnCancel?: boolean;
  /** Unconfirmed replies from which a streaming handler waits. Default 256. */
  readonly maxPendingReplies?: number;
  /** Announce the types on `taskbridge.registry` (docs/protocol.md §6). Default true. */
  readonly announce?: boolean;
  /**
   * A zod contract (`defineContract`) for the types served: each type's payload, chunk and result
   * schemas are announced as JSON Schema 2020-12 (see `servicesFromContract`), so the gateway
   * validates payloads and `taskbridge types` generates client types from them.
   */
  readonly contract?: WorkerContract;
  /** Description and schemas announced per type; they win over what `contract` gives. */
  readonly services?: Readonly<Record<string, ServiceInfo>>;
};

/** A running worker. */
export type Worker = {
  readonly workerId: string;
  /** Type → the queue it is served from. */
  readonly queues: Readonly<Record<string, string>>;
  /** Stops consuming, lets running handlers finish within the grace period, hands back the rest. */
  readonly close: () => Promise<void>;
};

export const DEFAULT_PREFETCH = 16;
export const DEFAULT_GRACE_MS = 10_000;
export const DEFAULT_MAX_PENDING_REPLIES = 256;

const waitFor = (promise: Promise<unknown>, ms: number): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

const mergeServices = (
  base: Readonly<Record<string, ServiceInfo>>,
  over: Readonly<Record<string, ServiceInfo>>,
): Record<string, ServiceInfo> => {
  const merged: Record<string, ServiceInfo> = { ...base };
  for (const [type, info] of Object.entries(over)) merged[type] = { ...base[type], ...info };
  return merged;
};

/**
 * Serves `handlers` from RabbitMQ (or any `Broker`) as docs/protocol.md §3 says, and resolves once
 * every queue is declared and consumed. Each type `T` is served from the queue `<queuePrefix>T`,
 * declared as a durable quorum queue (delivery limit 3, dead-lettering to `taskbridge.dead`) or,
 * with `queueType: "classic"`, a classic one; a declaration RabbitMQ refuses (the queue exists
 * with other arguments) rejects with an error that says so. The handler objects are exactly
 * those the memory transport runs. Requests from a 1.1 gateway (`x-accept: chunks`) get their
 * chunks batched into `chunks` replies (`chunkWindowMs`, `maxChunksPerReply`; docs/protocol.md §14.2).
 *
 * @example
 * const worker = await registerHandlers({ url: "amqp://localhost", handlers: referenceHandlers });
 * // or announce zod schemas too: registerHandlers({ url, handlers, contract: referenceContract })
 * process.once("SIGTERM", () => void worker.close());
 */
export const registerHandlers = async (options: RegisterHandlersOptions): Promise<Worker> => {
  const {
    handlers,
    prefetch = DEFAULT_PREFETCH,
    queueType = "quorum",
    queuePrefix = "",
    graceMs = DEFAULT_GRACE_MS,
    workerId = `w-${randomId(12)}`,
    logger = consoleWorkerLogger,
    now = Date.now,
    replyOnCancel = true,
    maxPendingReplies = DEFAULT_MAX_PENDING_REPLIES,
    chunkWindowMs = DEFAULT_CHUNK_WINDOW_MS,
    maxChunksPerReply = DEFAULT_MAX_CHUNKS_PER_REPLY,
    announce = true,
    contract,
  } = options;
  // docs/protocol.md §14.2: a chunk never waits longer than 5 ms for company.
  if (!(chunkWindowMs >= 0 && chunkWindowMs <= DEFAULT_CHUNK_WINDOW_MS)) {
    throw new RangeError(`chunkWindowMs must be between 0 and ${DEFAULT_CHUNK_WINDOW_MS}`);
  }
  if (!Number.isSafeInteger(maxChunksPerReply) || maxChunksPerReply < 1) {
    throw new RangeError("maxChunksPerReply must be an integer ≥ 1");
  }
  const types = Object.keys(handlers);
  if (types.length === 0) throw new Error("registerHandlers needs at least one handler");
  // As the Python SDK does: a gateway would refuse such a type, and `taskbridge.*` is its own.
  for (const type of types) {
    if (!isRequestType(type) || type.startsWith(BUILTIN_TYPE_PREFIX)) {
      throw new Error(`"${type}" is not a valid request type`);
    }
  }
  const services = mergeServices(
    contract === undefined ? {} : servicesFromContract(contract),
    options.services ?? {},
  );
  const ownsBroker = options.broker === undefined;
  let broker: Broker;
  if (options.broker !== undefined) broker = options.broker;
  else if (options.url !== undefined)
    broker = await (options.connect ?? connectRabbit)(
      typeof options.url === "string" ? options.url : options.url.join(","),
      logger,
    );
  else throw new Error("registerHandlers needs a `broker` or a `url`");

  const queues: Record<string, string> = {};
  for (const type of types) queues[type] = `${queuePrefix}${type}`;
  const cancelQueue = `taskbridge.cancel.${workerId}`;
  const cancels = createCancelRegistry({ now });
  const running = new Map<string, Run>();
  const requestConsumers: Consumer[] = [];
  let controlConsumer: Consumer | undefined;
  let closing = false;
  const announcer = createAnnouncer({
    broker,
    exchange: REGISTRY_EXCHANGE,
    workerId,
    queues,
    services,
    logger,
  });
  const runner = createRequestRunner({
    broker,
    handlers,
    logger,
    replyOnCancel,
    maxPendingReplies,
    chunkBatching: { windowMs: chunkWindowMs, maxChunks: maxChunksPerReply },
    timers: options.timers,
  });
  const onRunDone = (run: Run) => {
    if (running.get(run.meta.correlationId) === run) running.delete(run.meta.correlationId);
  };

  const onRequest = (queueTypeName: string) => (message: DeliveredMessage) => {
    if (closing) return message.nack(true);
    const meta = readRequestMeta(message, queueTypeName);
    // Not run, acked without a reply: cancelled before it started, or nobody waits any more.
    if (cancels.has(meta.correlationId) || meta.deadline <= now()) return message.ack();
    if (meta.replyTo === undefined) {
      logger.warn("a request without replyTo cannot be answered; dropped", { type: meta.type });
      return message.ack();
    }
    running.set(meta.correlationId, runner.run(message, meta, onRunDone));
  };

  const onControl = (message: DeliveredMessage) => {
    if (message.exchange === REGISTRY_EXCHANGE) return void announcer.announce();
    const cancel = parseCancelMessage(message.body, now());
    if (cancel === undefined) return logger.warn("ignored an unreadable cancel message");
    cancels.add(cancel.correlationId, cancel.deadline);
    running.get(cancel.correlationId)?.stop("cancel");
  };

  const closeConsumers = async () => {
    const all = requestConsumers.splice(0);
    if (controlConsumer !== undefined) all.push(controlConsumer);
    controlConsumer = undefined;
    await Promise.all(all.map((consumer) => consumer.close()));
  };

  const unsubscribe = broker.subscribeState((state) => {
    if (state === "disconnected") {
      // The channels are gone: RabbitMQ requeues these messages; their replies would be orphans.
      for (const run of running.values()) run.stop("lost");
    } else if (state === "connected" && announce && !closing) void announcer.announce();
  });

  const close = async () => {
    if (closing) return;
    closing = true;
    announcer.stop();
    unsubscribe();
    // Cancels still arrive meanwhile: the control consumer stays until the end.
    await Promise.all(requestConsumers.map((consumer) => consumer.cancel())).catch(
      (error: unknown) => logger.warn("could not cancel a consumer", { error: String(error) }),
    );
    // Replies that could not be published wait to be handed back: not any more.
    runner.handBackAll();
    const inFlight = Promise.all([...running.values()].map((run) => run.done));
    if (running.size > 0) await waitFor(inFlight, graceMs);
    for (const run of running.values()) run.stop("shutdown");
    runner.handBackAll();
    await closeConsumers().catch((error: unknown) =>
      logger.warn("could not close a consumer", { error: String(error) }),
    );
    if (ownsBroker) await broker.close();
  };

  try {
    await declareWorkerQueues(broker, { queues, queueType, controlQueue: cancelQueue, announce });
    controlConsumer = await broker.consume(cancelQueue, onControl, {
      noAck: true,
      exclusive: true,
    });
    for (const type of types) {
      requestConsumers.push(
        await broker.consume(queues[type] as string, onRequest(type), { prefetch }),
      );
    }
  } catch (error) {
    closing = true;
    unsubscribe();
    await closeConsumers().catch(() => {});
    if (ownsBroker) await broker.close().catch(() => {});
    throw error;
  }
  if (announce) announcer.start();
  return { workerId, queues, close };
};
