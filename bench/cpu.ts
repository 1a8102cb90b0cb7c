import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

/**
 * CPU time (user + system) a process has used so far, in ms, from `/proc/<pid>/stat`; `NaN`
 * where that cannot be read. Differences of two readings give a scenario's CPU cost per process.
 */
export const readCpuMs = async (pid: number): Promise<number> => {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return Number.NaN;
  }
};

/** The pid of the process listening on `port` on this machine (RabbitMQ's beam.smp), if `ss` finds one. */
export const listenerPid = async (port: number): Promise<number | undefined> => {
  try {
    const { stdout } = await run("ss", ["-Hltnp", `sport = :${port}`], { timeout: 5_000 });
    const match = /pid=(\d+)/.exec(stdout);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
};

/** Processes whose CPU a scenario accounts for, by role. */
export type CpuRoles = Readonly<
  Record<"client" | "gateway" | "worker" | "broker", number | undefined>
>;
export type CpuSpent = Readonly<Record<keyof CpuRoles, number>>;

/**
 * Runs `work` and returns its value with the CPU ms each role's process spent meanwhile (the
 * broker's figure includes whatever else the shared RabbitMQ served at the time).
 */
export const withCpu = async <T>(
  roles: CpuRoles,
  work: () => Promise<T>,
): Promise<{ value: T; cpu: CpuSpent }> => {
  const keys = Object.keys(roles) as (keyof CpuRoles)[];
  const read = () =>
    Promise.all(keys.map((k) => (roles[k] === undefined ? NaN : readCpuMs(roles[k] as number))));
  const before = await read();
  const value = await work();
  const after = await read();
  const cpu = Object.fromEntries(
    keys.map((k, i) => [k, (after[i] as number) - (before[i] as number)]),
  ) as CpuSpent;
  return { value, cpu };
};

/** No CPU spent: the start of a sum. */
export const NO_CPU: CpuSpent = { client: 0, gateway: 0, worker: 0, broker: 0 };

/** CPU ms spent for `count` operations → µs per operation, role by role. */
export const cpuPerOperation = (cpu: CpuSpent, count: number): CpuSpent => {
  const out: Record<string, number> = {};
  for (const [role, ms] of Object.entries(cpu)) out[role] = Math.round((ms * 1000) / count);
  return out as CpuSpent;
};

/** The sum of two CPU figures, role by role (`undefined`: nothing yet). */
export const addCpu = (a: CpuSpent | undefined, b: CpuSpent): CpuSpent =>
  a === undefined
    ? b
    : {
        client: a.client + b.client,
        gateway: a.gateway + b.gateway,
        worker: a.worker + b.worker,
        broker: a.broker + b.broker,
      };
