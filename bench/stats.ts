/** Summary of a sample of latencies in milliseconds. */
export type LatencySummary = {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
};

/**
 * The q-quantile (0…1) of `values` by the nearest-rank method, which never invents a value that
 * was not measured (a p99 of 1,000 samples is the 990th smallest).
 *
 * @example
 * quantile([3, 1, 2], 0.5) // 2
 */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
};

/** p50, p99, mean and max of a latency sample (NaN for an empty one). */
export const summarize = (values: readonly number[]): LatencySummary => ({
  count: values.length,
  p50: quantile(values, 0.5),
  p99: quantile(values, 0.99),
  mean: values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length,
  max: values.length === 0 ? Number.NaN : Math.max(...values),
});

/** The median of a few repeated measurements: what the report shows when a figure is repeated. */
export const median = (values: readonly number[]): number => quantile(values, 0.5);
