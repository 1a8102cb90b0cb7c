import { inProcessRabbitWorker, workerProcess } from "./contracts/rabbitWorkerSetups.js";
import { bunWorkerCommand, nodeWorkerCommand } from "./contracts/spawnWorkerProcess.js";
import { describeWorkerScenarios } from "./contracts/workerScenarios.js";

// The worker scenario suite on the shared RabbitMQ (127.0.0.1:5672). Each run serves its own
// queues `t.<random>.demo.*`, so it competes with nobody; the describes run one after another.
describeWorkerScenarios(
  "TypeScript SDK, in-process, RabbitMQ quorum queues",
  inProcessRabbitWorker("quorum"),
);
describeWorkerScenarios(
  "TypeScript SDK, in-process, RabbitMQ classic queues",
  inProcessRabbitWorker("classic"),
);
describeWorkerScenarios(
  "bun packages/worker/src/main.ts, RabbitMQ quorum queues",
  workerProcess(bunWorkerCommand),
);
describeWorkerScenarios(
  "node --import tsx packages/worker/src/main.ts, RabbitMQ classic queues",
  workerProcess(nodeWorkerCommand, { TASKBRIDGE_QUEUE_TYPE: "classic" }),
);
