// The bare reference worker of the benchmark (docs/benchmarks.md): amqplib, one channel, no
// publish confirms, serving `demo.echo` and `demo.count` exactly as PROTOCOL.md §5 (replies with
// `x-kind` and `x-seq`). It declares its queues (classic or quorum, BENCH_QUEUE_TYPE) and
// deletes them when it stops. Env: AMQP_URL, BENCH_QUEUE_TYPE, BENCH_PREFETCH.
import { once } from "node:events";
import amqp, { type ConsumeMessage } from "amqplib";

const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const queueType = process.env.BENCH_QUEUE_TYPE === "quorum" ? "quorum" : "classic";
const prefetch = Number(process.env.BENCH_PREFETCH ?? 16);
const queues = ["demo.echo", "demo.count"] as const;

const main = async (): Promise<void> => {
  const connection = await amqp.connect(url, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  for (const queue of queues) {
    await channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": queueType } });
  }

  // False when the channel's buffer is full: a stream then waits for "drain".
  const reply = (request: ConsumeMessage, kind: string, seq: number, body: unknown): boolean =>
    channel.sendToQueue(request.properties.replyTo, Buffer.from(JSON.stringify(body)), {
      correlationId: request.properties.correlationId,
      contentType: "application/json",
      headers: { "x-kind": kind, "x-seq": seq },
    });

  const handlers: Record<string, (request: ConsumeMessage, payload: unknown) => Promise<void>> = {
    "demo.echo": async (request, payload) => {
      reply(request, "result", 0, payload);
    },
    "demo.count": async (request, payload) => {
      const n = Number((payload as { n?: unknown } | null)?.n ?? 0);
      for (let i = 0; i < n; i += 1) {
        if (!reply(request, "chunk", i, { i })) await once(channel, "drain");
      }
      reply(request, "result", n, { count: n });
    },
  };

  for (const queue of queues) {
    await channel.consume(queue, (request) => {
      if (request === null) return;
      const payload: unknown = JSON.parse(request.content.toString());
      handlers[queue]?.(request, payload).then(() => channel.ack(request));
    });
  }

  const stop = async (): Promise<void> => {
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
    await connection.close().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  console.log(`baseline worker ready (${queueType})`);
};

main().catch((error: unknown) => {
  console.error(`baseline worker: ${String(error)}`);
  process.exit(1);
});
