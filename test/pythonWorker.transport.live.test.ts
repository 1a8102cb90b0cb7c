import { randomId } from "@taskbridge/core/protocol";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, definePlugin, silentLogger } from "@taskbridge/gateway";
import { AMQP_URL, connectTestBroker } from "./contracts/rabbitWorkerSetups.js";
import { spawnWorkerProcess } from "./contracts/spawnWorkerProcess.js";
import { describeTransportContract } from "./contracts/transportContract.js";

// The client-side transport contract end to end through the live stack to the Python SDK:
// createSocketIoTransport → a real gateway on an ephemeral port → the shared RabbitMQ → the
// Python reference worker process (`workers/python/run_reference.py`, as `npm run worker:python`
// starts it). Its queues are `t.<random>.demo.*`: a routing plugin sends `demo.*` there, so the
// run competes with no other worker on the shared broker.
const REFERENCE_TYPES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"];

describeTransportContract(
  "Socket.IO transport → gateway → RabbitMQ → Python worker process",
  async () => {
    const prefix = `t.${randomId(8).toLowerCase()}.`;
    const broker = await connectTestBroker();
    const worker = spawnWorkerProcess({
      command: "/usr/bin/python3",
      args: ["workers/python/run_reference.py"],
      env: { AMQP_URL, TASKBRIDGE_QUEUE_PREFIX: prefix },
    });
    await worker.ready;
    const gateway = await createGateway({
      broker,
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
      plugins: [
        definePlugin({ name: "python-test-queues", match: /^demo\./, queue: (t) => prefix + t }),
      ],
    });
    const transport = createSocketIoTransport({
      url: `http://127.0.0.1:${gateway.port}`,
      socketOptions: { transports: ["websocket"], reconnectionDelay: 50 },
    });
    return {
      transport,
      teardown: async () => {
        await transport.close();
        await gateway.close();
        const { code } = await worker.stop("SIGTERM");
        for (const type of REFERENCE_TYPES) await broker.deleteQueue(`${prefix}${type}`);
        await broker.close();
        if (code !== 0) throw new Error(`python worker exited ${code}:\n${worker.output()}`);
      },
    };
  },
  { testTimeoutMs: 60_000 },
);
