import { workerProcess } from "./contracts/rabbitWorkerSetups.js";
import { describeWorkerScenarios } from "./contracts/workerScenarios.js";

// The worker scenario suite, unchanged, against the Python SDK's reference worker process as
// `npm run worker:python` starts it (Debian's /usr/bin/python3 has aio-pika), on the shared
// RabbitMQ. Each run serves its own queues `t.<random>.demo.*` (TASKBRIDGE_QUEUE_PREFIX).
const pythonWorker = { command: "/usr/bin/python3", args: ["workers/python/run_reference.py"] };

describeWorkerScenarios("Python SDK process, RabbitMQ quorum queues", workerProcess(pythonWorker));
describeWorkerScenarios(
  "Python SDK process, RabbitMQ classic queues",
  workerProcess(pythonWorker, { TASKBRIDGE_QUEUE_TYPE: "classic" }),
);
