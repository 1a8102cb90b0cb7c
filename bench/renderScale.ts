import type { ScaleReport } from "./runScaleOut.js";

const kib = (bytes: number | undefined): string =>
  bytes === undefined || Number.isNaN(bytes) ? "–" : (bytes / 1024).toFixed(1);

/**
 * The scale-out section as Markdown (printed by `npm run bench` and quoted by docs/benchmarks.md):
 * what it ran on and the 2-core caveat, one row per configuration (throughput, latency under load,
 * how HAProxy spread the requests, CPU µs per request by process), then the idle sockets.
 */
export const renderScale = (report: ScaleReport): string => {
  const s = report.settings;
  const lines = [
    `Scale-out on ${report.broker}: one TS worker, quorum request queues, gateways on Bun behind HAProxy (round-robin).`,
    "On this 2-core machine every gateway, the worker, HAProxy, RabbitMQ and the load generator share the same two cores: more gateways add processes and a hop, not capacity. These figures show the overhead of scaling out, not a speed-up.",
    "",
    `| reply queues | path | gateways | req/s (${s.throughputInFlight} in flight, ${s.throughputSockets} sockets${s.rounds > 1 ? `; rounds' range` : ""}) | p50 ms | p99 ms | errors | requests per gateway % | CPU µs per request: gateways / worker / RabbitMQ / HAProxy / client = total |`,
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of report.rows) {
    const c = row.cpuPerRequestUs;
    lines.push(
      `| ${[
        row.replyQueueType,
        row.proxied ? "HAProxy" : "direct",
        row.gateways,
        row.roundsPerSecond.length > 1
          ? `${row.requestsPerSecond} (${Math.min(...row.roundsPerSecond)}–${Math.max(...row.roundsPerSecond)})`
          : row.requestsPerSecond,
        row.p50Ms.toFixed(1),
        row.p99Ms.toFixed(1),
        row.errors,
        row.sharePercent.join(" / "),
        `${c.gateways} / ${c.worker} / ${c.rabbitmq} / ${row.proxied ? c.haproxy : "–"} / ${c.client} = ${c.total}`,
      ].join(" | ")} |`,
    );
  }
  const idle = report.idle;
  lines.push(
    "",
    `| ${idle.sockets.toLocaleString("en-US")} idle sockets (${idle.target}${idle.proxies > 1 ? `, through ${idle.proxies} HAProxy processes` : ""}) | sockets per gateway | gateway KiB per socket (each gateway) | HAProxy KiB per socket | load generator KiB per socket | opened in s |`,
    "|---|---|---|---|---|---|",
    `| all | ${idle.perGateway.map((g) => g.sockets).join(" / ")} | ${kib(idle.gatewayBytesPerSocket)} (${idle.perGateway.map((g) => kib(g.bytesPerSocket)).join(" / ")}) | ${kib(idle.proxyBytesPerSocket)} | ${kib(idle.clientBytesPerSocket)} | ${idle.connectSeconds.toFixed(1)} |`,
  );
  return lines.join("\n");
};
