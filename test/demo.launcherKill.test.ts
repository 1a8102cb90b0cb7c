import { execFileSync } from "node:child_process";
import { randomId } from "@taskbridge/core/protocol";
import { connect } from "amqplib";
import { type DemoStack, startDemoStack } from "./support/startDemoStack.js";
import { isRunning, untilGone } from "./support/untilGone.js";

// `npm start`'s launcher SIGKILLed (no handler runs, nothing is signalled): every child it
// started — the demo server holding the port, the TypeScript worker, the Python worker — must
// notice on its own and exit. Linux: the children are found through `ps --ppid`, their end
// through /proc.

const LIVE_AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const DEAD_AMQP_URL = "amqp://guest:guest@127.0.0.1:1";
const REFERENCE_TYPES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"];
const GONE_WITHIN_MS = 30_000;

jest.setTimeout(240_000);

type Process = { readonly pid: number; readonly args: string };

const childrenOf = (pid: number): Process[] =>
  execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), args: match[2] ?? "" }));

const killGroups = (pids: readonly number[]) => {
  for (const pid of pids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
};

const deleteQueues = async (names: readonly string[]) => {
  const connection = await connect(LIVE_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
    await channel.close();
  } finally {
    await connection.close();
  }
};

describe.each([
  {
    mode: "live",
    amqpUrl: LIVE_AMQP_URL,
    entries: ["demo/server/main.ts", "packages/worker/src/main.ts"],
  },
  { mode: "embedded", amqpUrl: DEAD_AMQP_URL, entries: ["demo/server/main.ts"] },
])("npm start's launcher SIGKILLed ($mode mode)", ({ mode, amqpUrl, entries }) => {
  const prefix =
    mode === "live"
      ? `kill${randomId(8)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, "x")}.`
      : "";
  let stack: DemoStack | undefined;
  let children: Process[] = [];

  afterAll(async () => {
    // Whatever the outcome, leave nothing behind.
    killGroups(children.filter((child) => isRunning(child.pid)).map((child) => child.pid));
    await stack?.stop();
    if (mode === "live") {
      await deleteQueues([
        ...REFERENCE_TYPES.map((type) => `${prefix}${type}`),
        ...REFERENCE_TYPES.map((type) => `${prefix}py.${type}`),
      ]);
    }
  });

  it("takes every child down with it, freeing the port", async () => {
    stack = await startDemoStack({ amqpUrl, prefix });
    const launcher = stack.pid!;
    children = childrenOf(launcher);
    // The Python worker runs when Debian's python3 has aio-pika (demo/launcher/findPython.ts).
    const python = stack.output().includes("python    running") ? ["run_reference.py"] : [];
    for (const entry of [...entries, ...python]) {
      expect(children.map((child) => child.args).join("\n")).toContain(entry);
    }
    expect((await fetch(stack.url)).status).toBe(200);

    process.kill(-launcher, "SIGKILL");
    expect(await stack.stop()).toBeNull();

    const survivors = await untilGone(
      children.map((child) => child.pid),
      GONE_WITHIN_MS,
    );
    expect(children.filter((child) => survivors.includes(child.pid))).toEqual([]);
    await expect(fetch(stack.url)).rejects.toThrow();
  });
});
