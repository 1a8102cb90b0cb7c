import {
  createRequestId,
  isTerminalFrame,
  type ReplyFrame,
  randomId,
} from "@taskbridge/core/protocol";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, definePlugin, silentLogger } from "@taskbridge/gateway";
import { AMQP_URL, connectTestBroker } from "./contracts/rabbitWorkerSetups.js";
import { spawnWorkerProcess, type WorkerProcess } from "./contracts/spawnWorkerProcess.js";

// The Python worker dies mid-stream (SIGKILL) while a second one runs: RabbitMQ redelivers the
// request, the second worker runs attempt 2 from seq 0, and the client, through the gateway, sees
// `restart` and then the whole stream again. Shared RabbitMQ, queues `t.<random>.demo.*`.
const REFERENCE_TYPES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"];

describe("Python worker faults through the gateway", () => {
  it("SIGKILL mid-stream: the client sees restart (attempt 2), then every chunk and the result", async () => {
    const prefix = `t.${randomId(8).toLowerCase()}.`;
    const broker = await connectTestBroker();
    const workers: WorkerProcess[] = [];
    const startWorker = async () => {
      const worker = spawnWorkerProcess({
        command: "/usr/bin/python3",
        args: ["workers/python/run_reference.py"],
        env: { AMQP_URL, TASKBRIDGE_QUEUE_PREFIX: prefix },
      });
      workers.push(worker);
      await worker.ready;
      return worker;
    };
    const gateway = await createGateway({
      broker,
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
      plugins: [definePlugin({ name: "test-queues", match: /^demo\./, queue: (t) => prefix + t })],
    });
    const transport = createSocketIoTransport({
      url: `http://127.0.0.1:${gateway.port}`,
      socketOptions: { transports: ["websocket"], reconnectionDelay: 50 },
    });
    try {
      const first = await startWorker();
      const frames: ReplyFrame[] = [];
      let onChunk: () => void = () => {};
      const chunked = new Promise<void>((resolve) => {
        onChunk = resolve;
      });
      let onEnd: () => void = () => {};
      const ended = new Promise<void>((resolve) => {
        onEnd = resolve;
      });
      transport.send(
        { id: createRequestId(), type: "demo.count", payload: { n: 20, delayMs: 50 } },
        (frame) => {
          frames.push(frame);
          if (frame.kind === "chunk") onChunk();
          if (isTerminalFrame(frame)) onEnd();
        },
      );
      await chunked;
      // Frozen mid-stream (SIGSTOP) while the second worker starts, however long that takes on
      // a loaded machine; then killed: its attempt cannot finish first, whatever the timing.
      first.child.kill("SIGSTOP");
      await startWorker();
      await first.stop("SIGKILL");
      await ended;
      expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
      const restartAt = frames.findIndex((f) => f.kind === "restart");
      expect(frames[restartAt]).toMatchObject({ kind: "restart", attempt: 2 });
      expect(frames.slice(restartAt + 1).map((f) => [f.kind, "data" in f ? f.data : null])).toEqual(
        [...Array.from({ length: 20 }, (_, i) => ["chunk", { i }]), ["result", { count: 20 }]],
      );
    } finally {
      await transport.close();
      await gateway.close();
      for (const worker of workers) await worker.stop("SIGKILL");
      for (const type of REFERENCE_TYPES) await broker.deleteQueue(`${prefix}${type}`);
      await broker.close();
    }
  }, 60_000);
});
