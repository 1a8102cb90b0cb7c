import { createSupervisor } from "./createSupervisor.js";

// A child that says it is ready, and on SIGTERM says so and exits 0.
const script = (name: string) =>
  `process.on("SIGTERM", () => { console.log("${name} stopping"); process.exit(0); });` +
  `console.log("${name} ready"); setInterval(() => {}, 1000);`;

describe("createSupervisor", () => {
  it("stops every child, the last started first, waits for their exits, then exits", async () => {
    const lines: string[] = [];
    let exitCode: number | undefined;
    const supervisor = createSupervisor({
      cwd: process.cwd(),
      log: (line) => lines.push(line),
      exit: (code) => {
        exitCode = code;
      },
    });
    const worker = supervisor.launch("worker", process.execPath, ["-e", script("worker")], {});
    const gateway = supervisor.launch("gateway", process.execPath, ["-e", script("gateway")], {});
    await worker.waitForLine(/ready/, 30_000);
    await gateway.waitForLine(/ready/, 30_000);
    const order: string[] = [];
    void gateway.exited.then(() => order.push("gateway"));
    void worker.exited.then(() => order.push("worker"));

    await supervisor.stopAll("SIGTERM", 0);
    expect(await worker.exited).toBe(0);
    expect(await gateway.exited).toBe(0);
    expect(order).toEqual(["gateway", "worker"]);
    expect(exitCode).toBe(0);
    expect(() => supervisor.launch("late", process.execPath, ["-e", ""], {})).toThrow(/stopping/);
  });

  it("stops everything with exit code 1 when an essential child dies", async () => {
    let exitCode: number | undefined;
    const supervisor = createSupervisor({
      cwd: process.cwd(),
      log: () => {},
      exit: (code) => {
        exitCode = code;
      },
    });
    const other = supervisor.launch("other", process.execPath, ["-e", script("other")], {});
    await other.waitForLine(/ready/, 30_000);
    const dying = supervisor.launch("dying", process.execPath, ["-e", "process.exit(3)"], {});
    supervisor.essential(dying);
    expect(await other.exited).toBe(0);
    await supervisor.stopAll("test", 0); // the same stop already under way
    expect(exitCode).toBe(1);
  });
});
