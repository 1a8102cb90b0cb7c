import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { describeTransportContract } from "./contracts/transportContract.js";
import { createRabbitNode } from "./support/rabbitNode.js";
import { startLiveStack } from "./support/startLiveStack.js";

// The client-side transport contract over the real processes (GitHub issue 3): the Jest process's
// createSocketIoTransport → `bun packages/gateway/src/main.ts` (a child process) → a throwaway RabbitMQ node →
// `bun packages/worker/src/main.ts` (a child process). Nothing here touches the shared broker.
describeTransportContract(
  "Socket.IO transport → Bun gateway process → RabbitMQ → Bun worker process",
  async () => {
    const node = await createRabbitNode();
    try {
      await node.start();
      const stack = await startLiveStack({ amqpUrl: node.url, workers: 1 });
      const transport = createSocketIoTransport({
        url: stack.url,
        socketOptions: { transports: ["websocket"], reconnectionDelay: 50 },
      });
      return {
        transport,
        teardown: async () => {
          await transport.close();
          const exits = [stack.gateway(), ...stack.workers()].map((proc) => proc.exited);
          await stack.stop();
          await node.dispose();
          // A graceful SIGTERM ends each process with 0 (docs/protocol.md §9).
          const codes = await Promise.all(exits);
          if (codes.some((exit) => exit.code !== 0)) {
            throw new Error(
              `a process did not exit 0: ${JSON.stringify(codes)}\n${stack.output()}`,
            );
          }
        },
      };
    } catch (error) {
      await node.dispose();
      throw error;
    }
  },
  { testTimeoutMs: 60_000 },
);
