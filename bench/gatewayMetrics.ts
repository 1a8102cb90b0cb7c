/** What the scale-out section reads from one taskbridge gateway's `/metrics` (Prometheus text). */
export type GatewayCounts = {
  /** The sum of `taskbridge_gateway_requests_total` over its labels: requests it finished. */
  readonly requests: number;
  /** `taskbridge_gateway_sockets_connected`. */
  readonly sockets: number;
};

const sum = (text: string, name: string): number =>
  text
    .split("\n")
    // `name{…} value` or `name value`, not `name_bucket…` or a `# HELP name` line.
    .filter((line) => line.startsWith(name) && /^[{ ]/.test(line.slice(name.length)))
    .reduce((total, line) => total + Number(line.split(" ").at(-1)), 0);

/**
 * Reads a gateway's requests finished so far and sockets connected now from `GET <url>/metrics`,
 * to tell how HAProxy spread the load and the idle sockets over the gateways.
 *
 * @example
 * const { requests, sockets } = await gatewayCounts("http://127.0.0.1:8081");
 */
export const gatewayCounts = async (url: string): Promise<GatewayCounts> => {
  const response = await fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`${url}/metrics answered ${response.status}`);
  const text = await response.text();
  return {
    requests: sum(text, "taskbridge_gateway_requests_total"),
    sockets: sum(text, "taskbridge_gateway_sockets_connected"),
  };
};
