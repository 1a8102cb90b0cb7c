import type { PhaseCounts } from "./tallyPhase.js";

const seconds = (ms: number | undefined): string =>
  ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`;

/**
 * The scale-out scenario's counts as a plain-text table: one column per phase, one row per
 * count, then each phase's verdict.
 *
 * @example
 * console.log(formatCountsTable([countsA, countsB, countsC]));
 */
export const formatCountsTable = (phases: readonly PhaseCounts[]): string => {
  const rows: readonly (readonly [string, (p: PhaseCounts) => string])[] = [
    ["clients with a stream in flight", (p) => String(p.clients)],
    ["  of them hit by the fault", (p) => String(p.affected)],
    ["  hit and reconnected", (p) => String(p.reconnected)],
    [
      "  hit and now on another gateway",
      (p) => (p.leftGateway === undefined ? "–" : String(p.movedOn)),
    ],
    ["completed (all chunks, in order)", (p) => String(p.outcomes.completed)],
    ["restart, then completed", (p) => String(p.outcomes.restarted)],
    ["retryable error", (p) => String(p.outcomes["retryable-error"])],
    ["lost", (p) => String(p.outcomes.lost)],
    ["hung", (p) => String(p.outcomes.hung)],
    ["duplicated chunk", (p) => String(p.duplicated)],
    ["chunks out of order", (p) => String(p.outOfOrder)],
    ["chunks skipped/repeated before a restart", (p) => String(p.oddBeforeRestart)],
    ["extra terminal frames", (p) => String(p.extraTerminals)],
    ["wire: seqs sent twice", (p) => String(p.wireRepeats)],
    ["wire: seqs never sent", (p) => String(p.wireGaps)],
    [
      "error codes",
      (p) =>
        Object.entries(p.errorCodes)
          .map(([code, count]) => `${code}×${count}`)
          .join(" ") || "–",
    ],
    ["stall of hit clients, median", (p) => seconds(p.stallMedianMs)],
    ["stall of hit clients, max", (p) => seconds(p.stallMaxMs)],
    ["fault → last terminal frame", (p) => seconds(p.settleMs)],
    ["verdict", (p) => (p.failures.length === 0 ? "pass" : "FAIL")],
  ];
  const header = ["", ...phases.map((p) => p.title)];
  const body = rows.map(([label, cell]) => [label, ...phases.map(cell)]);
  const widths = header.map((_, col) =>
    Math.max(...[header, ...body].map((row) => (row[col] ?? "").length)),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[col]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...body.map(line)].join("\n");
};
