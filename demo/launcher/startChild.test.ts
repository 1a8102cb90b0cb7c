import { prefixLine, startChild } from "./startChild.js";

describe("startChild", () => {
  it("tags each line with the child's name once, even when the child tags it already", async () => {
    const lines: string[] = [];
    const child = startChild({
      name: "worker",
      command: process.execPath,
      args: [
        "-e",
        'console.log("worker ready: demo.echo"); console.error("[worker] a handler failed {}"); console.log("[broker] reconnecting")',
      ],
      cwd: process.cwd(),
      env: process.env,
      write: (line) => lines.push(line),
    });
    expect(await child.exited).toBe(0);
    // stdout and stderr are two pipes: their relative order is not guaranteed.
    expect(lines.sort()).toEqual([
      "[worker] [broker] reconnecting",
      "[worker] a handler failed {}",
      "[worker] worker ready: demo.echo",
    ]);
  });

  it("tells the child to exit with the launcher (TASKBRIDGE_EXIT_WITH_PARENT=1)", async () => {
    const child = startChild({
      name: "probe",
      command: process.execPath,
      args: ["-e", 'console.log("flag " + process.env.TASKBRIDGE_EXIT_WITH_PARENT)'],
      cwd: process.cwd(),
      env: process.env,
      write: () => {},
    });
    expect(await child.waitForLine(/^flag /, 30_000)).toBe("flag 1");
    expect(await child.exited).toBe(0);
  });

  it("prefixLine leaves another tag alone", () => {
    expect(prefixLine("python", "[worker] x")).toBe("[python] [worker] x");
    expect(prefixLine("worker", "[worker]x")).toBe("[worker] [worker]x");
  });
});
