// The bare reference worker of the benchmark (docs/benchmarks.md): amqplib, one channel, no
// publish confirms, serving `demo.echo` and `demo.count` exactly as docs/protocol.md §8 (replies with
// `x-kind` and `x-seq`). It declares its queues (classic or quorum, BENCH_QUEUE_TYPE) and
// deletes them when it stops. Env: AMQP_URL, BENCH_QUEUE_TYPE, BENCH_PREFETCH; BENCH_CONFIRMS=1
// publishes replies with confirms and acks a request once its last reply is confirmed, as the
// protocol asks (the "+worker confirms" step of `--ladder`).
import { once } from "node:events";
import amqp, { type ConsumeMessage } from "amqplib";

const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const queueType = process.env.BENCH_QUEUE_TYPE === "quorum" ? "quorum" : "classic";
const prefetch = Number(process.env.BENCH_PREFETCH ?? 16);
const queues = ["demo.echo", "demo.count"] as const;
const confirms = process.env.BENCH_CONFIRMS === "1";

const main = async (): Promise<void> => {
  const connection = await amqp.connect(url, { noDelay: true });
  const channel = await (confirms ? connection.createConfirmChannel() : connection.createChannel());
  await channel.prefetch(prefetch);
  for (const queue of queues) {
    await channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": queueType } });
  }

  // False when the channel's buffer is full: a stream then waits for "drain".
  const reply = (
    request: ConsumeMessage,
    kind: string,
    seq: number,
    body: unknown,
    confirmed?: () => void,
  ): boolean =>
    channel.sendToQueue(
      request.properties.replyTo,
      Buffer.from(JSON.stringify(body)),
      {
        correlationId: request.properties.correlationId,
        contentType: "application/json",
        headers: { "x-kind": kind, "x-seq": seq },
      },
      confirmed,
    );
  // The terminal reply: ack at once, or (BENCH_CONFIRMS) once the broker confirmed it.
  const finish = (request: ConsumeMessage, seq: number, body: unknown): void => {
    const ack = () => channel.ack(request);
    reply(request, "result", seq, body, confirms ? ack : undefined);
    if (!confirms) ack();
  };

  const handlers: Record<string, (request: ConsumeMessage, payload: unknown) => Promise<void>> = {
    "demo.echo": async (request, payload) => finish(request, 0, payload),
    "demo.count": async (request, payload) => {
      const n = Number((payload as { n?: unknown } | null)?.n ?? 0);
      for (let i = 0; i < n; i += 1) {
        if (!reply(request, "chunk", i, { i })) await once(channel, "drain");
      }
      finish(request, n, { count: n });
    },
  };

  for (const queue of queues) {
    await channel.consume(queue, (request) => {
      if (request === null) return;
      const payload: unknown = JSON.parse(request.content.toString());
      void handlers[queue]?.(request, payload);
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
