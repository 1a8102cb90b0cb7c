// The bare reference gateway of the benchmark (docs/benchmarks.md): Socket.IO in, amqplib out,
// the same client frames as docs/protocol.md §2 for `demo.echo` and `demo.count`, and nothing else —
// no confirms, no `accepted` frame, no validation, no sessions, no timers. It is the floor
// taskbridge is measured against, not a competitor. Env: PORT, AMQP_URL; BENCH_CONFIRMS=1 adds
// the protocol's publish confirm and `accepted` frame (the "+confirms" step of `--ladder`).
import { createServer } from "node:http";
import amqp from "amqplib";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 8090);
const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const replyQueue = `bench.baseline.reply.${process.pid}`;
const confirms = process.env.BENCH_CONFIRMS === "1";

type RequestBody = { readonly id: string; readonly type: string; readonly payload?: unknown };

const main = async (): Promise<void> => {
  const connection = await amqp.connect(url, { noDelay: true });
  const channel = await (confirms ? connection.createConfirmChannel() : connection.createChannel());
  await channel.assertQueue(replyQueue, { exclusive: true, autoDelete: true });
  const http = createServer((_request, response) => response.writeHead(200).end("ok"));
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 2 * 1024 * 1024 });
  const sockets = io.sockets.sockets;

  // correlationId = `<socket id>|<request id>`: the reply goes straight to that socket.
  await channel.consume(
    replyQueue,
    (message) => {
      if (message === null) return;
      const { correlationId, headers } = message.properties;
      const split = correlationId.indexOf("|");
      const kind = headers?.["x-kind"];
      const body: unknown = JSON.parse(message.content.toString());
      sockets.get(correlationId.slice(0, split))?.emit("reply", {
        id: correlationId.slice(split + 1),
        seq: headers?.["x-seq"],
        kind,
        ...(kind === "error" ? { error: body } : { data: body }),
      });
    },
    { noAck: true },
  );

  io.on("connection", (socket) => {
    socket.on("request", (body: RequestBody) => {
      const accepted = () => socket.emit("reply", { id: body.id, seq: 0, kind: "accepted" });
      const options = {
        correlationId: `${socket.id}|${body.id}`,
        replyTo: replyQueue,
        contentType: "application/json",
      };
      const content = Buffer.from(JSON.stringify(body.payload ?? null));
      channel.sendToQueue(body.type, content, options, confirms ? accepted : undefined);
    });
  });

  const stop = (): void => {
    io.close();
    connection.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  http.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));
};

main().catch((error: unknown) => {
  console.error(`baseline server: ${String(error)}`);
  process.exit(1);
});
