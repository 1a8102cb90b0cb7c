import { gatewayCounts } from "./gatewayMetrics.js";
import { connectMany, type LoadSocket } from "./loadClient.js";
import { readRss } from "./processes.js";
import { echoPayload } from "./scenarios.js";
import type { IdleTarget } from "./startScaleTopology.js";

/** One gateway's share of the idle sockets and what they cost it. */
export type IdleGateway = {
  readonly gateway: string;
  readonly sockets: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly bytesPerSocket: number;
};

/** Idle sockets opened through HAProxy in front of several gateways, and their memory. */
export type IdleSpread = {
  readonly target: string;
  readonly sockets: number;
  /** HAProxy processes they went through (each in front of all the gateways). */
  readonly proxies: number;
  /** Wall time to open them all, `batch` handshakes at a time. */
  readonly connectSeconds: number;
  readonly perGateway: readonly IdleGateway[];
  /** All gateways' RSS growth ÷ all sockets. */
  readonly gatewayBytesPerSocket: number;
  /** HAProxy's RSS growth (all its processes) ÷ sockets: each is a client and a server connection in it. */
  readonly proxyBytesPerSocket: number | undefined;
  /** The load generator's (socket.io-client in Node) RSS growth ÷ sockets. */
  readonly clientBytesPerSocket: number;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once no gateway counts more sockets than `before` (or after `timeoutMs`). */
const untilClosed = async (
  target: IdleTarget,
  before: readonly number[],
  timeoutMs = 60_000,
): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const counts = await Promise.all(target.gateways.map((g) => gatewayCounts(g.url)));
    if (counts.every((c, i) => c.sockets <= (before[i] ?? 0))) return;
    await sleep(200);
  }
};

/** `count` sockets over `urls`, `batch` handshakes at a time, the batch split over the urls. */
const connectOver = async (
  urls: readonly string[],
  count: number,
  batch: number,
): Promise<LoadSocket[]> => {
  const sockets: LoadSocket[] = [];
  try {
    for (let start = 0; start < count; start += batch) {
      const size = Math.min(batch, count - start);
      const opened = await Promise.all(
        urls.map((url, i) =>
          connectMany(url, Math.floor(size / urls.length) + (i < size % urls.length ? 1 : 0), size),
        ),
      );
      sockets.push(...opened.flat());
    }
  } catch (error) {
    for (const socket of sockets) socket.close();
    throw error;
  }
  return sockets;
};

/**
 * Opens `count` idle Socket.IO sockets (websocket transport, protocol 1.1, as the load generator
 * always does) through `target`'s HAProxy processes in front of its gateways, `batch` handshakes
 * at a time, and reads, before and after (each after `settleMs` of quiet): every gateway's RSS and
 * sockets connected (its /metrics), HAProxy's RSS and the load generator's own. A probe socket per
 * gateway runs one request first, so lazily built state is in the "before" figure. Rejects if any
 * socket fails to connect. Closes everything it opened and waits until the gateways saw them go.
 */
export const measureIdleSpread = async (
  target: IdleTarget,
  options: { readonly count: number; readonly batch: number; readonly settleMs: number },
): Promise<IdleSpread> => {
  const urls = target.proxies.map((p) => p.url);
  const probes = await connectOver(urls, target.gateways.length * urls.length, 100);
  try {
    await Promise.all(probes.map((probe) => probe.call("demo.echo", echoPayload(0))));
    await sleep(options.settleMs);
    const read = () =>
      Promise.all([
        Promise.all(target.gateways.map((g) => readRss(g.process.pid))),
        Promise.all(target.gateways.map((g) => gatewayCounts(g.url))),
        Promise.all(
          target.proxies.map((p) => (p.pid === undefined ? Promise.resolve(NaN) : readRss(p.pid))),
        ).then((rss) => rss.reduce((a, b) => a + b, 0)),
        Promise.resolve(process.memoryUsage().rss),
      ]);
    const [rssBefore, countsBefore, proxyBefore, clientBefore] = await read();
    const began = performance.now();
    const sockets = await connectOver(urls, options.count, options.batch);
    const connectSeconds = (performance.now() - began) / 1000;
    try {
      await sleep(options.settleMs);
      const [rssAfter, countsAfter, proxyAfter, clientAfter] = await read();
      const perGateway = target.gateways.map((g, i): IdleGateway => {
        const on = (countsAfter[i]?.sockets ?? 0) - (countsBefore[i]?.sockets ?? 0);
        const before = rssBefore[i] ?? 0;
        const after = rssAfter[i] ?? 0;
        return {
          gateway: g.id,
          sockets: on,
          rssBeforeBytes: before,
          rssAfterBytes: after,
          bytesPerSocket: on > 0 ? (after - before) / on : Number.NaN,
        };
      });
      const spread = perGateway.reduce((sum, g) => sum + g.sockets, 0);
      if (spread !== options.count) {
        throw new Error(
          `${options.count} sockets opened, but the gateways count ${spread} more (${perGateway.map((g) => g.sockets).join(" / ")})`,
        );
      }
      const grown = perGateway.reduce((sum, g) => sum + g.rssAfterBytes - g.rssBeforeBytes, 0);
      return {
        target: target.id,
        sockets: options.count,
        proxies: urls.length,
        connectSeconds,
        perGateway,
        gatewayBytesPerSocket: grown / options.count,
        proxyBytesPerSocket: Number.isNaN(proxyAfter - proxyBefore)
          ? undefined
          : (proxyAfter - proxyBefore) / options.count,
        clientBytesPerSocket: (clientAfter - clientBefore) / options.count,
      };
    } finally {
      for (const socket of sockets) socket.close();
      // What follows (the throughput rounds) must not pay for thousands of disconnects.
      await untilClosed(
        target,
        countsBefore.map((c) => c.sockets),
      );
    }
  } finally {
    for (const probe of probes) probe.close();
  }
};
