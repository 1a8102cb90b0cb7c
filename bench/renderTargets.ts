import { TARGET_NOTES } from "./targetNotes.js";
import type { TargetId } from "./targets.js";
import type { Verdict } from "./targetVerdicts.js";

const mark = (verdict: Verdict): string =>
  verdict.met === undefined
    ? verdict.shown
    : `${verdict.shown} — **${verdict.met ? "met" : "not met"}**`;

/** Verdicts as a Markdown table: a row per target, a column per scope, in order of appearance. */
const table = (title: string, verdicts: readonly Verdict[]): string[] => {
  const scopes = [...new Set(verdicts.map((v) => v.scope))];
  const labels = [...new Set(verdicts.map((v) => v.label))];
  const lines = [
    `| ${title} | ${scopes.join(" | ")} |`,
    `|---|${scopes.map(() => "---").join("|")}|`,
  ];
  for (const label of labels) {
    const cells = scopes.map((scope) => {
      const verdict = verdicts.find((v) => v.label === label && v.scope === scope);
      return verdict === undefined ? "" : mark(verdict);
    });
    lines.push(`| ${label} | ${cells.join(" | ")} |`);
  }
  return lines;
};

/**
 * Issue 15's targets as `npm run bench` prints them: the figures side by side (classic and
 * quorum; StreamingLog's burst and paced streams), each with its ratio and "met" / "not met", then
 * for every target not met somewhere one line of why and the next lever (bench/targetNotes.ts).
 */
export const renderTargets = (verdicts: readonly Verdict[]): string => {
  const browser = verdicts.filter((v) => v.target?.startsWith("browser") === true);
  const systems = verdicts.filter((v) => !browser.includes(v));
  const lines = [
    ...table("target (gateway on Bun, TS worker; ratios in this run)", systems),
    "",
    ...table("StreamingLog in Chromium", browser),
  ];
  const notMet = [
    ...new Set(verdicts.filter((v) => v.met === false).map((v) => v.target as TargetId)),
  ];
  if (notMet.length > 0) lines.push("", "Not met — why / next lever:");
  for (const target of notMet) {
    const note = TARGET_NOTES[target];
    const where = verdicts
      .filter((v) => v.target === target && v.met === false)
      .map((v) => v.scope)
      .join(", ");
    const label = verdicts.find((v) => v.target === target)?.label ?? target;
    lines.push(
      note.source.startsWith("placeholder")
        ? `- ${label} (${where}): PLACEHOLDER, not profiled yet — ${note.why}. Next: ${note.next}.`
        : `- ${label} (${where}): ${note.why}. Next: ${note.next}. [${note.source}]`,
    );
  }
  return lines.join("\n");
};
