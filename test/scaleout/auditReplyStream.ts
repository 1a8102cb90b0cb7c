import { createRabbitBroker, replyQueueName, waitForConnected } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";

/** One reply as a gateway's reply stream holds it. */
export type HeldReply = {
  readonly offset: number | undefined;
  readonly kind: string;
  readonly seq: number | undefined;
  readonly count: number | undefined;
  readonly attempt: number | undefined;
};

const number = (value: unknown): number | undefined =>
  typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : undefined;

/**
 * Reads `gatewayId`'s reply stream from its first message (through `url`) and returns, per
 * request id in `requestIds`, the replies it holds (correlation ids end with `:<request id>`):
 * when a client missed chunks, this tells whether the worker's replies reached RabbitMQ. For
 * failure messages only; reads for `readMs`, since a stream has no end to wait for.
 *
 * @example
 * const held = await auditReplyStream(cluster.urls[1], "gw-1", ["r1"]);
 */
export const auditReplyStream = async (
  url: string,
  gatewayId: string,
  requestIds: readonly string[],
  readMs = 3000,
): Promise<Map<string, HeldReply[]>> => {
  const held = new Map(requestIds.map((id) => [id, [] as HeldReply[]]));
  const broker = createRabbitBroker({ urls: [url], logger: silentLogger });
  try {
    await waitForConnected(broker, 30_000);
    const consumer = await broker.consume(
      replyQueueName(gatewayId),
      (message) => {
        message.ack();
        const key = message.properties.correlationId ?? "";
        const list = held.get(key.slice(key.lastIndexOf(":") + 1));
        if (list === undefined) return;
        const headers = message.properties.headers ?? {};
        list.push({
          offset: message.streamOffset,
          kind: String(headers["x-kind"]),
          seq: number(headers["x-seq"]),
          count: number(headers["x-count"]),
          attempt: number(headers["x-attempt"]),
        });
      },
      { prefetch: 1000, streamOffset: "first" },
    );
    await new Promise((resolve) => setTimeout(resolve, readMs));
    await consumer.close();
  } finally {
    await broker.close();
  }
  return held;
};

/** `chunk a1 s0-9, chunk a2 s0-29, result a2` : runs of one kind and attempt with consecutive seqs. */
export const describeHeld = (replies: readonly HeldReply[]): string => {
  const parts: string[] = [];
  let run: { kind: string; attempt: number | undefined; from: number; to: number } | undefined;
  const end = (): void => {
    if (run !== undefined) parts.push(`${run.kind} a${run.attempt} s${run.from}-${run.to}`);
    run = undefined;
  };
  for (const reply of replies) {
    const seq = reply.seq ?? -1;
    const last = seq + (reply.kind === "chunks" ? (reply.count ?? 1) - 1 : 0);
    const kind = reply.kind === "chunks" ? "chunk" : reply.kind;
    if (
      run !== undefined &&
      run.kind === kind &&
      run.attempt === reply.attempt &&
      seq === run.to + 1
    ) {
      run.to = last;
      continue;
    }
    end();
    run = { kind, attempt: reply.attempt, from: seq, to: last };
  }
  end();
  return parts.join(", ");
};
