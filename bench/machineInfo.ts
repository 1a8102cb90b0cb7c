import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { promisify } from "node:util";
import amqp from "amqplib";

const run = promisify(execFile);

/** Where a run happened: what docs/benchmarks.md must show beside the figures. */
export type MachineInfo = {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverageAtStart: readonly number[];
  readonly kernel: string;
  readonly node: string;
  readonly bun: string;
  readonly python: string;
  readonly rabbitmq: string;
};

const version = async (command: string, args: string[]): Promise<string> => {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 30_000 });
    return (stdout || stderr).trim().split("\n").pop() ?? "unknown";
  } catch {
    return "unknown";
  }
};

// The server's version from the AMQP handshake: no CLI start-up (seconds on a loaded machine).
const rabbitVersion = async (amqpUrl: string): Promise<string> => {
  try {
    const connection = await amqp.connect(amqpUrl);
    const version = connection.connection.serverProperties?.version;
    await connection.close();
    return String(version ?? "unknown");
  } catch {
    return "unknown";
  }
};

/** CPU model and count, memory, load, kernel, and the versions of Node, Bun, Python and RabbitMQ. */
export const machineInfo = async (bun: string, amqpUrl: string): Promise<MachineInfo> => {
  let kernel = "unknown";
  try {
    kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    // not Linux
  }
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    kernel,
    node: process.version,
    bun: await version(bun, ["--version"]),
    python: await version("/usr/bin/python3", ["--version"]),
    rabbitmq: await rabbitVersion(amqpUrl),
  };
};
