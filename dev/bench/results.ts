import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MachineFacts } from "./machine.js";
import type { SectionReport } from "./section.js";

export interface BenchResults {
  readonly measuredAt: string;
  readonly commit: string;
  readonly quick: boolean;
  readonly runsPerFigure: number;
  readonly machine: MachineFacts;
  /** Every section's headline keys, flattened (export_vs_floor, request_data_p99_ms, …). */
  readonly [key: string]: unknown;
}

/** latest.json: the headline keys at the top level, each section's figures and details under its name. */
export function assembleResults(
  header: { measuredAt: Date; commit: string; quick: boolean; runs: number; machine: MachineFacts },
  sections: readonly { name: string; runs: number; report: SectionReport }[],
): BenchResults {
  const keys = Object.assign({}, ...sections.map((s) => s.report.keys)) as Record<string, unknown>;
  const bySection = Object.fromEntries(
    sections.map(({ name, runs, report }) => [
      name,
      { runs, figures: report.figures, details: report.details ?? {}, targets: report.targets },
    ]),
  );
  return {
    measuredAt: header.measuredAt.toISOString(),
    commit: header.commit,
    quick: header.quick,
    runsPerFigure: header.runs,
    machine: header.machine,
    ...keys,
    sections: bySection,
  };
}

/** Writes `latest.json` and a dated copy beside it; returns both paths. */
export function writeResults(dir: string, results: BenchResults): { latest: string; dated: string } {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = results.measuredAt.replaceAll(":", "").replace(/\.\d+Z$/, "Z");
  const latest = join(dir, "latest.json");
  const dated = join(dir, `${stamp}${results.quick ? "-quick" : ""}.json`);
  writeFileSync(latest, text);
  writeFileSync(dated, text);
  return { latest, dated };
}

/** The printed summary: one table per section, then the targets met and missed. */
export function formatResults(sections: readonly { name: string; report: SectionReport }[]): string {
  const lines: string[] = [];
  for (const { name, report } of sections) {
    const width = Math.max(...report.table.map(([what]) => what.length), name.length);
    lines.push("", `${name}`, `${"-".repeat(width)}`);
    for (const [what, value] of report.table) lines.push(`${what.padEnd(width)}  ${value}`);
  }
  const targets = sections.flatMap((s) => s.report.targets);
  if (targets.length > 0) {
    lines.push("", "targets");
    for (const t of targets) lines.push(`${t.met ? "met   " : "MISSED"}  ${t.key}: ${t.description}`);
  }
  return `${lines.join("\n")}\n`;
}
