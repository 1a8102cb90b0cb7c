import { Histogram, Registry } from "prom-client";
import { registerPlainHistogram } from "./registerPlainHistogram.js";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED = [0.0005, 0.001, 0.002, 0.05, 0.1, 0.5, 3, 0.01];

/** The scrape text of a registry holding one histogram fed `observe` per label set. */
const scrape = async (
  make: (registry: Registry) => (labels: Record<string, string>) => (value: number) => void,
): Promise<string> => {
  const registry = new Registry();
  const seriesOf = make(registry);
  const ok = seriesOf({ type: "demo.echo", outcome: "result" });
  const failed = seriesOf({ type: "demo.echo", outcome: "TIMEOUT" });
  for (const value of OBSERVED) ok(value);
  failed(7);
  return registry.metrics();
};

describe("registerPlainHistogram", () => {
  it("scrapes exactly as prom-client's Histogram fed the same observations", async () => {
    const plain = await scrape((registry) => {
      const histogram = registerPlainHistogram({
        name: "x_seconds",
        help: "X.",
        buckets: BUCKETS,
        registry,
      });
      return (labels) => histogram.series(labels).observe;
    });
    const reference = await scrape((registry) => {
      const histogram = new Histogram({
        name: "x_seconds",
        help: "X.",
        labelNames: ["type", "outcome"],
        buckets: BUCKETS,
        registers: [registry],
      });
      return (labels) => (value) => histogram.observe(labels, value);
    });
    expect(plain).toBe(reference);
    expect(plain).toContain('x_seconds_bucket{le="0.01",type="demo.echo",outcome="result"} 4');
    expect(plain).toContain('x_seconds_count{type="demo.echo",outcome="TIMEOUT"} 1');
  });

  it("is emptied by the registry's resetMetrics", async () => {
    const registry = new Registry();
    const histogram = registerPlainHistogram({
      name: "y_seconds",
      help: "Y.",
      buckets: BUCKETS,
      registry,
    });
    histogram.series({ type: "t" }).observe(0.5);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('y_seconds_count{type="t"} 0');
  });
});
