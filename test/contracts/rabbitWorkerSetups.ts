import { createRabbitBroker, DEFAULT_AMQP_URL, waitForConnected } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import type { QueueType } from "@taskbridge/worker";
import { registerHandlers } from "@taskbridge/worker";
import { spawnWorkerProcess, type WorkerCommand } from "./spawnWorkerProcess.js";
import type { WorkerScenarioSetup, WorkerUnderTest } from "./workerScenarios.js";

/** The shared RabbitMQ of the test machine. */
export const AMQP_URL = process.env.AMQP_URL ?? DEFAULT_AMQP_URL;

/** A connected RabbitMQ broker for a test's own messages (silent: tests provoke failures). */
export const connectTestBroker = async () => {
  const broker = createRabbitBroker({ url: AMQP_URL, logger: silentLogger });
  await waitForConnected(broker, 10_000);
  return broker;
};

/**
 * Scenario setup: the reference handlers served in-process by `registerHandlers` on RabbitMQ,
 * each on its own connection (worker and suite never share a channel).
 */
export const inProcessRabbitWorker =
  (queueType: QueueType): WorkerScenarioSetup =>
  async ({ queuePrefix }): Promise<WorkerUnderTest> => {
    const broker = await connectTestBroker();
    const worker = await registerHandlers({
      url: AMQP_URL,
      handlers: referenceHandlers,
      queuePrefix,
      queueType,
      logger: silentLogger,
    });
    return {
      broker,
      stop: () => worker.close(),
      deleteQueue: (name) => broker.deleteQueue(name),
      dispose: () => broker.close(),
    };
  };

/**
 * Scenario setup: a worker process (`bun packages/worker/src/main.ts`, or any command that serves the
 * reference services and honours `AMQP_URL`, `TASKBRIDGE_QUEUE_PREFIX`, `TASKBRIDGE_QUEUE_TYPE`,
 * prints a line with `worker ready` once it consumes, and exits 0 on SIGTERM). The Python SDK's
 * tests pass their own command here.
 */
export const workerProcess =
  (command: WorkerCommand, env: Readonly<Record<string, string>> = {}): WorkerScenarioSetup =>
  async ({ queuePrefix }): Promise<WorkerUnderTest> => {
    const broker = await connectTestBroker();
    const child = spawnWorkerProcess({
      ...command,
      env: { AMQP_URL, TASKBRIDGE_QUEUE_PREFIX: queuePrefix, ...env },
    });
    try {
      await child.ready;
    } catch (error) {
      await broker.close();
      throw error;
    }
    return {
      broker,
      stop: async () => {
        const { code } = await child.stop("SIGTERM");
        if (code !== 0)
          throw new Error(`worker exited with ${code} on SIGTERM:\n${child.output()}`);
      },
      deleteQueue: (name) => broker.deleteQueue(name),
      dispose: () => broker.close(),
    };
  };
