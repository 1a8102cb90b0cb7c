import { Counter, Gauge, Registry } from "prom-client";
import { registerPlainHistogram } from "./registerPlainHistogram.js";

export type GatewayMetrics = {
  /** The gateway's own registry (never prom-client's global one, so several gateways coexist). */
  readonly registry: Registry;
  readonly requestStarted: () => void;
  /** One finished request: `type` as routed (`-` unless accepted), `outcome` `result` or an error code. */
  readonly requestEnded: (type: string, outcome: string, seconds: number | undefined) => void;
  readonly protocolError: () => void;
  /** A finished request forgotten before its retention ended (`TASKBRIDGE_MAX_RETAINED`). */
  readonly requestForgottenEarly: () => void;
  readonly setBrokerConnected: (connected: boolean) => void;
  readonly socketConnected: () => void;
  readonly socketDisconnected: () => void;
};

/**
 * The gateway's Prometheus metrics, on a registry of its own:
 * `taskbridge_gateway_requests_total{type,outcome}`, `taskbridge_gateway_requests_in_flight`,
 * `taskbridge_gateway_request_duration_seconds{type,outcome}` (from receipt to the terminal
 * frame), `taskbridge_gateway_protocol_errors_total`,
 * `taskbridge_gateway_requests_forgotten_early_total` (finished requests the retention bound
 * forgot before their 60 s: `resume` of them gets `NOT_FOUND`), `taskbridge_gateway_broker_connected`
 * (1/0) and `taskbridge_gateway_sockets_connected`. Requests that never reached a queue
 * (refused, unroutable) carry `type="-"`: types come from clients, and labelling every invented
 * one would let a client grow the registry.
 */
export const createGatewayMetrics = (): GatewayMetrics => {
  const registry = new Registry();
  // The per-request figures are plain numbers here, read by prom-client only when scraped
  // (`collect`): prom-client hashes an object of labels on every `inc`, even a labelled child's.
  type Series = {
    readonly labels: { readonly type: string; readonly outcome: string };
    count: number;
    readonly duration: { readonly observe: (seconds: number) => void };
  };
  const series = new Map<string, Series>();
  let inFlightNow = 0;
  new Counter({
    name: "taskbridge_gateway_requests_total",
    help: "Requests finished, by type and outcome (result or an error code).",
    labelNames: ["type", "outcome"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, count } of series.values()) this.inc(labels, count);
    },
  });
  new Gauge({
    name: "taskbridge_gateway_requests_in_flight",
    help: "Requests accepted or being published that have no terminal frame yet.",
    registers: [registry],
    collect() {
      this.set(inFlightNow);
    },
  });
  // Observed on every request: a plain histogram (no label hashing per observation).
  const duration = registerPlainHistogram({
    name: "taskbridge_gateway_request_duration_seconds",
    help: "Time from a request's receipt to its terminal frame.",
    buckets: [
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
      3600,
    ],
    registry,
  });
  const protocolErrors = new Counter({
    name: "taskbridge_gateway_protocol_errors_total",
    help: "Client events answered with protocol_error.",
    registers: [registry],
  });
  const forgottenEarly = new Counter({
    name: "taskbridge_gateway_requests_forgotten_early_total",
    help: "Finished requests forgotten before their retention ended, because more than TASKBRIDGE_MAX_RETAINED were held.",
    registers: [registry],
  });
  const broker = new Gauge({
    name: "taskbridge_gateway_broker_connected",
    help: "1 while the gateway is connected to the broker, else 0.",
    registers: [registry],
  });
  const sockets = new Gauge({
    name: "taskbridge_gateway_sockets_connected",
    help: "Socket.IO sockets currently connected.",
    registers: [registry],
  });
  const seriesOf = (type: string, outcome: string): Series => {
    const key = `${type}\u0000${outcome}`;
    let found = series.get(key);
    if (found === undefined) {
      const labels = { type, outcome };
      found = { labels, count: 0, duration: duration.series(labels) };
      series.set(key, found);
    }
    return found;
  };
  broker.set(0);
  sockets.set(0);
  return {
    registry,
    requestStarted: () => {
      inFlightNow += 1;
    },
    requestEnded: (type, outcome, seconds) => {
      const ended = seriesOf(type, outcome);
      ended.count += 1;
      if (seconds !== undefined) {
        inFlightNow -= 1;
        ended.duration.observe(seconds);
      }
    },
    protocolError: () => protocolErrors.inc(),
    requestForgottenEarly: () => forgottenEarly.inc(),
    setBrokerConnected: (connected) => broker.set(connected ? 1 : 0),
    socketConnected: () => sockets.inc(),
    socketDisconnected: () => sockets.dec(),
  };
};
