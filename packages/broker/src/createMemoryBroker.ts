import type { Logger, Timers } from "@taskbridge/core/protocol";
import { createListeners } from "@taskbridge/core/protocol";
import { createBrokerError, unavailableError } from "./brokerError.js";
import { checkConsumeOptions } from "./checkConsumeOptions.js";
import { consoleBrokerLogger } from "./consoleBrokerLogger.js";
import type { QueueConsumer } from "./createMemoryQueue.js";
import { createMemoryServer, type MemoryServer } from "./createMemoryServer.js";
import { toBytes, toMessageProperties } from "./messageProperties.js";
import type {
  Broker,
  BrokerState,
  ConsumeOptions,
  Consumer,
  DeliveredMessage,
  PublishOutcome,
} from "./types.js";

export type MemoryBrokerOptions = {
  /** The shared in-process server; a fresh one when omitted. Share it between a gateway and workers. */
  readonly server?: MemoryServer;
  /** Used only when no `server` is given. */
  readonly timers?: Timers;
  readonly logger?: Logger;
};

/** A memory `Broker` plus what tests and the embedded mode need beyond the `Broker` type. */
export type MemoryBroker = Broker & {
  readonly server: MemoryServer;
  readonly deleteQueue: (name: string) => Promise<void>;
  readonly deleteExchange: (name: string) => Promise<void>;
  /** Simulates a lost connection: consumers' unsettled messages are requeued, publishes reject. */
  readonly disconnect: () => void;
  /** Simulates the reconnect: declarations are replayed and consumers re-created. */
  readonly reconnect: () => void;
};

type ConsumerRecord = {
  readonly queue: string;
  readonly onMessage: (message: DeliveredMessage) => void;
  readonly options: ConsumeOptions;
  current:
    | { readonly consumer: QueueConsumer; readonly queue: ReturnType<MemoryServer["queueFor"]> }
    | undefined;
  /** The stream offset of the last message delivered: a reconnect goes on after it. */
  lastOffset: number | undefined;
};

const preconditionFailed = (queue: string, why: string) =>
  createBrokerError("INTERNAL", `cannot consume queue "${queue}": ${why} (PRECONDITION_FAILED)`, {
    reason: "precondition_failed",
    queue,
  });

let connections = 0;

/**
 * A `Broker` that runs in-process, with RabbitMQ's semantics as taskbridge relies on them
 * (routing, mandatory returns, confirms, prefetch, redelivery counting, delivery limits, TTL,
 * dead-lettering, `x-expires`, precondition failures, streams read from an offset). Used by unit tests, the Socket.IO contract
 * test and the embedded mode (`npm start` without RabbitMQ). A publish resolves on a later
 * microtask and deliveries happen on a later macrotask, never inside `publish`.
 *
 * @example
 * const server = createMemoryServer();
 * const gateway = createGateway({ broker: createMemoryBroker({ server }) });
 * const worker = registerHandlers(createMemoryBroker({ server }), handlers);
 */
export const createMemoryBroker = (options: MemoryBrokerOptions = {}): MemoryBroker => {
  // A server this broker made for itself is closed with it; a shared one belongs to its creator.
  const ownsServer = options.server === undefined;
  const server =
    options.server ?? createMemoryServer({ timers: options.timers, logger: options.logger });
  const logger = options.logger ?? consoleBrokerLogger;
  let owner = `memory-${++connections}`;
  let state: BrokerState = "connected";
  const listeners = createListeners<[BrokerState]>();
  const declarations = new Map<string, () => void>();
  const consumers = new Set<ConsumerRecord>();
  let waiting: { run: () => void; reject: (error: Error) => void }[] = [];

  const setState = (next: BrokerState): void => {
    if (state === next) return;
    state = next;
    listeners.emit(next);
  };

  const unavailable = () => unavailableError(state, "not connected to the broker");

  /** Runs `operation` now when connected, else after the next reconnect; rejects once closed. */
  const whenConnected = <T>(operation: () => T): Promise<T> => {
    if (state === "closed") return Promise.reject(unavailable());
    if (state === "connected") {
      try {
        return Promise.resolve(operation());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      waiting.push({
        run: () => {
          try {
            resolve(operation());
          } catch (error) {
            reject(error);
          }
        },
        reject,
      });
    });
  };

  const declare = (key: string, run: () => void): Promise<void> =>
    whenConnected(() => {
      run();
      declarations.set(key, run);
    });

  const attach = (record: ConsumerRecord): void => {
    const queue = server.queueFor(record.queue, owner);
    const { options: consumeOptions } = record;
    const isStream = queue.settings.stream;
    if (!isStream && consumeOptions.streamOffset !== undefined) {
      throw preconditionFailed(record.queue, "x-stream-offset on a queue that is not a stream");
    }
    if (isStream && (consumeOptions.noAck === true || !consumeOptions.prefetch)) {
      throw preconditionFailed(record.queue, "a stream consumer needs a prefetch and acks");
    }
    const consumer = queue.addConsumer(
      consumeOptions.prefetch ?? 0,
      consumeOptions.noAck === true,
      consumeOptions.exclusive === true,
      isStream
        ? (message) => {
            record.lastOffset = message.streamOffset;
            record.onMessage(message);
          }
        : record.onMessage,
      record.lastOffset === undefined ? consumeOptions.streamOffset : record.lastOffset + 1,
    );
    if (consumer === undefined) {
      throw createBrokerError(
        "FORBIDDEN",
        `queue "${record.queue}" has an exclusive consumer (ACCESS_REFUSED)`,
        { reason: "access_refused", queue: record.queue },
      );
    }
    record.current = { consumer, queue };
  };

  const detach = (record: ConsumerRecord, close: boolean): void => {
    const current = record.current;
    if (current === undefined) return;
    if (close) {
      current.queue.closeConsumer(current.consumer);
      record.current = undefined;
    } else current.queue.cancelConsumer(current.consumer);
  };

  const dropConnection = (next: BrokerState): void => {
    for (const record of consumers) detach(record, true);
    server.releaseOwner(owner);
    setState(next);
  };

  const consume = (
    queue: string,
    onMessage: (message: DeliveredMessage) => void,
    consumeOptions: ConsumeOptions = {},
  ): Promise<Consumer> =>
    whenConnected(() => {
      const refused = checkConsumeOptions(queue, consumeOptions);
      if (refused !== undefined) throw refused;
      const record: ConsumerRecord = {
        queue,
        onMessage,
        options: consumeOptions,
        current: undefined,
        lastOffset: undefined,
      };
      attach(record);
      consumers.add(record);
      const cancel = async (): Promise<void> => {
        consumers.delete(record);
        detach(record, false);
      };
      const close = async (): Promise<void> => {
        consumers.delete(record);
        detach(record, true);
      };
      return { cancel, close };
    });

  return {
    server,
    assertExchange: (name, type, exchangeOptions = {}) =>
      declare(`exchange ${name}`, () => server.assertExchange(name, type, exchangeOptions)),
    assertQueue: (name, queueOptions = {}) =>
      declare(`queue ${name}`, () => server.assertQueue(name, queueOptions, owner)),
    bindQueue: (queue, exchange, pattern) =>
      declare(`bind ${queue} ${exchange} ${pattern}`, () =>
        server.bindQueue(queue, exchange, pattern),
      ),
    publish: (exchange, routingKey, body, publishOptions): Promise<PublishOutcome> => {
      if (state !== "connected") return Promise.reject(unavailable());
      try {
        return Promise.resolve(
          server.publish(
            exchange,
            routingKey,
            toBytes(body),
            toMessageProperties(publishOptions),
            publishOptions?.mandatory === true,
          ),
        );
      } catch (error) {
        return Promise.reject(error);
      }
    },
    consume,
    getState: () => state,
    subscribeState: listeners.subscribe,
    close: async () => {
      if (state === "closed") return;
      dropConnection("closed");
      consumers.clear();
      declarations.clear();
      const rejected = waiting;
      waiting = [];
      for (const waiter of rejected) waiter.reject(unavailable());
      if (ownsServer) server.close();
    },
    deleteQueue: (name) => whenConnected(() => server.deleteQueue(name)),
    deleteExchange: (name) => whenConnected(() => server.deleteExchange(name)),
    disconnect: () => {
      if (state === "connected") dropConnection("disconnected");
    },
    reconnect: () => {
      if (state !== "disconnected") return;
      owner = `memory-${++connections}`;
      setState("connecting");
      const replay = (what: string, run: () => void): void => {
        try {
          run();
        } catch (error) {
          logger.error(`could not restore ${what} after the reconnect`, { error });
        }
      };
      for (const [key, run] of declarations) replay(key, run);
      for (const record of consumers)
        replay(`the consumer of ${record.queue}`, () => attach(record));
      setState("connected");
      const ready = waiting;
      waiting = [];
      for (const waiter of ready) waiter.run();
    },
  };
};
