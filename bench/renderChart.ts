import type { BenchReport } from "./report.js";
import { TARGETS } from "./targets.js";

const METRICS = [
  {
    key: "roundTripP50",
    label: "round trip p50",
    better: "lower",
    target: TARGETS.roundTripP50.max,
  },
  { key: "throughput", label: "throughput", better: "higher", target: TARGETS.throughput.min },
  { key: "stream", label: "streaming", better: "higher", target: TARGETS.stream.min },
  { key: "memory", label: "memory per socket", better: "lower", target: TARGETS.memory.max },
] as const;

const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2"];

const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * An SVG bar chart of the report's ratios: one group per taskbridge or NestJS system, one bar per
 * metric, the baseline at 1× as a vertical line and, on taskbridge's bars, each metric's target as
 * a tick. Plain SVG with no script or font dependency, so it renders on GitHub and in any browser.
 */
export const renderChart = (report: BenchReport): string => {
  const rows = report.systems.filter((row) => row.ratios !== undefined);
  const labelWidth = 260;
  const plotWidth = 460;
  const barHeight = 14;
  const groupHeight = METRICS.length * (barHeight + 3) + 18;
  const top = 56;
  const height = top + rows.length * groupHeight + 40;
  const width = labelWidth + plotWidth + 180;
  const maxRatio = Math.max(
    2,
    ...rows.flatMap((row) => METRICS.map((m) => row.ratios?.[m.key] ?? 0)),
  );
  const x = (ratio: number): number =>
    labelWidth + (Math.min(ratio, maxRatio) / maxRatio) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">taskbridge and NestJS ÷ baseline, same run, same queue type${report.quick ? " (quick run)" : ""}</text>`,
    `<text x="10" y="38" fill="#555">${escapeXml(`${report.machine.cores} × ${report.machine.cpuModel}, ${report.date.slice(0, 16)}Z; black tick = target`)}</text>`,
  ];
  METRICS.forEach((metric, i) => {
    parts.push(
      `<rect x="${labelWidth + i * 150}" y="${height - 22}" width="10" height="10" fill="${COLORS[i]}"/>`,
      `<text x="${labelWidth + i * 150 + 14}" y="${height - 13}">${metric.label} (${metric.better})</text>`,
    );
  });
  rows.forEach((row, g) => {
    const y0 = top + g * groupHeight;
    parts.push(`<text x="10" y="${y0 + 12}" font-weight="bold">${escapeXml(row.id)}</text>`);
    METRICS.forEach((metric, i) => {
      const ratio = row.ratios?.[metric.key] ?? 0;
      const y = y0 + 16 + i * (barHeight + 3);
      const ok = metric.better === "lower" ? ratio <= metric.target : ratio >= metric.target;
      // The targets are taskbridge's: NestJS's bars have no tick and no colour verdict.
      const targeted = row.kind === "taskbridge";
      parts.push(
        `<text x="${labelWidth - 6}" y="${y + 11}" text-anchor="end" fill="#333">${metric.label}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${Math.max(1, x(ratio) - labelWidth)}" height="${barHeight}" fill="${COLORS[i]}"/>`,
        ...(targeted
          ? [
              `<line x1="${x(metric.target)}" x2="${x(metric.target)}" y1="${y - 1}" y2="${y + barHeight + 1}" stroke="#000" stroke-width="2"/>`,
            ]
          : []),
        `<text x="${x(ratio) + 4}" y="${y + 11}" fill="${targeted ? (ok ? "#1a7f37" : "#cf222e") : "#333"}">${ratio.toFixed(2)}×</text>`,
      );
    });
  });
  parts.push(
    `<line x1="${x(1)}" x2="${x(1)}" y1="${top - 6}" y2="${height - 30}" stroke="#888" stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${top - 8}" text-anchor="middle" fill="#555">baseline 1×</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
};
