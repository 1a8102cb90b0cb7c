import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Runs `npm run bench -- --smoke` (the bench with tiny figures, classic queues only) end to end:
// baseline, taskbridge and NestJS processes, RabbitMQ virtual hosts, the load generator and
// Chromium, and the scale-out section on the shared node (1, 2 and 3 gateways behind HAProxy,
// classic and stream reply queues, idle sockets spread over the gateways; the full run forms a
// 3-node cluster instead). It checks that the bench runs and reports and that every stream arrived
// exact (every chunk once, in order, consecutive seqs), never how fast anything is.
// The bench run in progress: stopped in afterAll if the test gave up on it (a timeout), so its
// processes neither outlive the test nor hold Jest open.
let running: ChildProcess | undefined;

const runBench = (out: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bench/main.ts", "--smoke", "--out", out],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] },
    );
    running = child;
    let output = "";
    child.stdout.on("data", (data: Buffer) => {
      output += data.toString();
    });
    child.stderr.on("data", (data: Buffer) => {
      output += data.toString();
    });
    child.once("exit", (code) => resolve({ code, output }));
  });

type ScaleRow = {
  readonly id: string;
  readonly gateways: number;
  readonly requestsPerSecond: number;
  readonly errors: number;
  readonly sharePercent: readonly number[];
};

type Row = {
  readonly id: string;
  readonly kind: string;
  readonly nest?: string;
  readonly versusNest?: Record<string, number>;
  readonly streamInOrder: boolean;
  readonly roundTripP50Ms: number;
  readonly throughputRps: number;
  readonly ratios?: Record<string, number>;
};

describe("npm run bench -- --smoke", () => {
  const out = mkdtempSync(join(tmpdir(), "taskbridge-bench-smoke-"));
  afterAll(async () => {
    const child = running;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      // bench/main.ts stops its own process groups on SIGTERM.
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(out, { recursive: true, force: true });
  });

  it("measures the baseline, taskbridge, NestJS and the scale-out section and writes the tables, the targets, the JSON report and the chart", async () => {
    const { code, output } = await runBench(out);
    expect({ code, output: code === 0 ? "" : output }).toEqual({ code: 0, output: "" });
    expect(output).toContain("| baseline-bun-classic |");
    expect(output).toContain("| taskbridge-bun-ts-classic |");
    expect(output).toContain("| nest-bun-classic |");
    expect(output).toContain("| throughput ≥ 1.5× NestJS |");
    expect(output).toContain("| StreamingLog scrollable after the stream (Home, wheel, End) |");

    const report = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as {
      systems: Row[];
      client: { streams?: { complete: boolean; scrollable: boolean }[]; skipped?: string };
      verdicts: { label: string; scope: string; met?: boolean }[];
      scale?: {
        rows: ScaleRow[];
        idle: { sockets: number; perGateway: { sockets: number }[] };
      };
    };
    expect(report.systems.map((row) => row.id)).toEqual([
      "baseline-bun-classic",
      "baseline+confirms-bun-classic",
      "taskbridge-bun-ts-classic",
      "nest-bun-classic",
    ]);
    for (const row of report.systems) {
      expect(row.streamInOrder).toBe(true);
      expect(row.roundTripP50Ms).toBeGreaterThan(0);
      expect(row.throughputRps).toBeGreaterThan(0);
    }
    const taskbridge = report.systems.find((row) => row.kind === "taskbridge");
    expect(Object.keys(taskbridge?.ratios ?? {}).sort()).toEqual(
      ["memory", "roundTripP50", "roundTripP99", "stream", "throughput", "throughputP99"].sort(),
    );
    expect(taskbridge?.nest).toBe("nest-bun-classic");
    expect(Object.keys(taskbridge?.versusNest ?? {}).sort()).toEqual(
      ["roundTripP50", "stream", "throughput"].sort(),
    );
    expect(report.client.streams?.map((stream) => stream.complete)).toEqual([true, true]);
    // Every target measured in a classic-only run got a verdict (met or not, never asserted).
    const classic = report.verdicts.filter(
      (v) =>
        v.scope === "classic" && !v.label.includes("no target") && !v.label.startsWith("Python"),
    );
    expect(classic.map((v) => typeof v.met)).toEqual(classic.map(() => "boolean"));
    expect(readFileSync(join(out, "latest.svg"), "utf8")).toContain("<svg");

    // Scale-out: every configuration answered without an error frame, and HAProxy spread the
    // requests and the idle sockets over every gateway behind it.
    expect(output).toContain("not a speed-up");
    expect(output).toContain("| stream | HAProxy | 3 |");
    expect(report.scale?.rows.map((row) => row.id)).toEqual([
      "classic-direct",
      "classic-haproxy-1",
      "classic-haproxy-2",
      "classic-haproxy-3",
      "stream-haproxy-1",
      "stream-haproxy-2",
      "stream-haproxy-3",
    ]);
    for (const row of report.scale?.rows ?? []) {
      expect({ id: row.id, errors: row.errors }).toEqual({ id: row.id, errors: 0 });
      expect(row.requestsPerSecond).toBeGreaterThan(0);
      expect(row.sharePercent).toHaveLength(row.gateways);
    }
    const idle = report.scale?.idle;
    expect(idle?.perGateway.reduce((sum, g) => sum + g.sockets, 0)).toBe(idle?.sockets);
    expect(idle?.perGateway.map((g) => g.sockets > 0)).toEqual([true, true, true]);
  }, 240_000);
});
