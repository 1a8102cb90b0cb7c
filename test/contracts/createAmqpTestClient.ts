import type { Broker, Consumer, DeliveredMessage, MessageHeaders } from "@taskbridge/broker";
import { CANCEL_EXCHANGE } from "@taskbridge/broker";
import { randomId } from "@taskbridge/core/protocol";

/** One reply a worker sent, as a test reads it off the reply queue. */
export type TestReply = {
  readonly kind: string;
  readonly seq: number;
  readonly attempt: number;
  readonly body: unknown;
  readonly contentType: string | undefined;
  /** `x-count` of a `chunks` reply (docs/protocol.md §14.2); undefined on other replies. */
  readonly count?: number;
};

export type TestRequestOptions = {
  /** Defaults to `type`; the queue the request is published to. */
  readonly queue?: string;
  readonly id?: string;
  readonly principal?: string;
  /** Epoch ms; default one minute from now. */
  readonly deadline?: number;
  /** Raw body instead of the payload's JSON (for malformed-body tests). */
  readonly rawBody?: string;
  readonly headers?: MessageHeaders;
  /** Per-message TTL; default: the time left until the deadline. `null`: none. */
  readonly expiration?: string | null;
};

export type TestRequest = {
  readonly correlationId: string;
  readonly id: string;
  readonly deadline: number;
};

const decoder = new TextDecoder();
const isTerminal = (reply: TestReply) => reply.kind === "result" || reply.kind === "error";
const asNumber = (value: unknown): number => (typeof value === "number" ? value : Number(value));

/**
 * A stand-in for the gateway that speaks only AMQP (docs/protocol.md §3): publishes request messages
 * exactly as a gateway would, publishes cancels, and collects the replies from its own exclusive
 * reply queue, by correlation id. Tests await replies (`until`), they never sleep.
 *
 * @example
 * const client = await createAmqpTestClient(broker);
 * const { correlationId } = await client.request("demo.echo", { hi: 1 });
 * const replies = await client.untilTerminal(correlationId);
 */
export const createAmqpTestClient = async (
  broker: Broker,
  replyQueue = `t.reply.${randomId(10).toLowerCase()}`,
) => {
  const sessionId = randomId(22);
  const replies = new Map<string, TestReply[]>();
  // Waiters by correlation id: a reply wakes only those waiting for its request.
  const waiters = new Map<string, Set<() => void>>();
  const terminated = new Set<string>();

  const onReply = (message: DeliveredMessage) => {
    const headers = message.properties.headers ?? {};
    const text = decoder.decode(message.body);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { unparseable: text };
    }
    const key = message.properties.correlationId ?? "";
    const list = replies.get(key) ?? [];
    list.push({
      kind: String(headers["x-kind"]),
      seq: asNumber(headers["x-seq"]),
      attempt: asNumber(headers["x-attempt"]),
      body,
      contentType: message.properties.contentType,
      ...(headers["x-count"] === undefined ? {} : { count: asNumber(headers["x-count"]) }),
    });
    replies.set(key, list);
    if (list.length > 0 && isTerminal(list[list.length - 1] as TestReply)) terminated.add(key);
    const waiting = waiters.get(key);
    if (waiting !== undefined) for (const wake of [...waiting]) wake();
  };

  await broker.assertQueue(replyQueue, { exclusive: true, autoDelete: true, durable: false });
  const consumer: Consumer = await broker.consume(replyQueue, onReply, { noAck: true });

  const repliesOf = (correlationId: string): readonly TestReply[] =>
    replies.get(correlationId) ?? [];

  /** Resolves with the replies of `correlationId` once `done(replies)` holds. */
  const until = (
    correlationId: string,
    done: (list: readonly TestReply[]) => boolean,
  ): Promise<readonly TestReply[]> =>
    new Promise((resolve) => {
      const check = () => {
        const list = repliesOf(correlationId);
        if (!done(list)) return;
        waiters.get(correlationId)?.delete(check);
        resolve(list);
      };
      const waiting = waiters.get(correlationId) ?? new Set();
      waiting.add(check);
      waiters.set(correlationId, waiting);
      check();
    });

  return {
    replyQueue,
    sessionId,
    repliesOf,
    until,
    /** Resolves once a terminal reply (`result` or `error`) arrived. */
    untilTerminal: (correlationId: string) =>
      until(correlationId, () => terminated.has(correlationId)),
    /** Publishes a request as the gateway does; resolves on the broker's confirm. */
    request: async (
      type: string,
      payload: unknown,
      options: TestRequestOptions = {},
    ): Promise<TestRequest> => {
      const id = options.id ?? randomId(12);
      const principal = options.principal ?? "anon";
      const correlationId = `${principal}:${sessionId}:${id}`;
      const deadline = options.deadline ?? Date.now() + 60_000;
      const outcome = await broker.publish(
        "",
        options.queue ?? type,
        options.rawBody ?? JSON.stringify(payload),
        {
          mandatory: true,
          contentType: "application/json",
          correlationId,
          replyTo: replyQueue,
          messageId: globalThis.crypto.randomUUID(),
          ...(options.expiration === null
            ? {}
            : { expiration: options.expiration ?? String(Math.max(1, deadline - Date.now())) }),
          headers: {
            "x-type": type,
            "x-deadline": deadline,
            "x-principal": principal,
            ...options.headers,
          },
        },
      );
      if (outcome !== "routed")
        throw new Error(`request to ${options.queue ?? type} was ${outcome}`);
      return { correlationId, id, deadline };
    },
    /** Publishes a cancel as the gateway does. */
    cancel: async (request: TestRequest): Promise<void> => {
      await broker.publish(
        CANCEL_EXCHANGE,
        "",
        JSON.stringify({ correlationId: request.correlationId, deadline: request.deadline }),
        { contentType: "application/json" },
      );
    },
    close: async () => {
      waiters.clear();
      await consumer.close();
    },
  };
};

export type AmqpTestClient = Awaited<ReturnType<typeof createAmqpTestClient>>;
