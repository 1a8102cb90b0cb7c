import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { isRunning, untilGone } from "./support/untilGone.js";

// A bench killed from outside (SIGKILL, `timeout`) runs no exit handler: the processes it started
// in their own process groups must still end (bench/createGroupReaper.ts).

jest.setTimeout(60_000);

describe("the bench's process groups", () => {
  it("are killed when the bench is SIGKILLed", async () => {
    const bench = spawn(process.execPath, ["--import", "tsx", "test/fixtures/benchChild.ts"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(bench, "exit");
    let pid: number | undefined;
    try {
      for await (const line of createInterface({ input: bench.stdout })) {
        const match = /^child (\d+)$/.exec(line);
        if (match !== null) {
          pid = Number(match[1]);
          break;
        }
      }
      expect(pid !== undefined && isRunning(pid)).toBe(true);
      bench.kill("SIGKILL");
      await exited;
      expect(await untilGone([pid as number], 20_000)).toEqual([]);
    } finally {
      bench.kill("SIGKILL");
      if (pid !== undefined && isRunning(pid)) process.kill(-pid, "SIGKILL");
    }
  });
});
