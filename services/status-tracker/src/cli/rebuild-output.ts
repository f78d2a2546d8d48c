import type { ReadModelComparison, RowDifference } from "../domain/read-model-diff.js";
import type { RebuildSummary, TopicReplaySummary } from "../handlers/rebuild-read-model.js";

/** What `rebuild --json` prints on stdout, as one line. */
export interface RebuildOutput {
  readonly schema: string;
  /** Each topic read, in the order read, with its namespaced name. */
  readonly topics: readonly (TopicReplaySummary & { readonly name: string })[];
  /** Rebuilt requests per status. */
  readonly requests: Readonly<Record<string, number>>;
  readonly jobs: number;
  readonly announced: number;
  readonly unannounced: readonly string[];
  readonly comparison?: ReadModelComparison & { readonly with: string; readonly equal: boolean };
}

export function rebuildOutput(
  schema: string,
  summary: RebuildSummary,
  names: (topic: TopicReplaySummary["topic"]) => string,
  counts: { readonly requests: Readonly<Record<string, number>>; readonly jobs: number },
  comparison?: ReadModelComparison & { readonly with: string },
): RebuildOutput {
  return {
    schema,
    topics: summary.topics.map((topic) => ({ ...topic, name: names(topic.topic) })),
    requests: counts.requests,
    jobs: counts.jobs,
    announced: summary.announced,
    unannounced: summary.unannounced,
    ...(comparison ? { comparison: { ...comparison, equal: comparison.differences.length === 0 } } : {}),
  };
}

/** Differences printed one per line; the rest are counted (all of them are in the --json document). */
const MAX_LISTED = 40;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/** A count right-aligned in `width`, then its noun left-aligned, so the numbers of a table line up. */
const column = (n: number, one: string, width: number): string =>
  `${String(n).padStart(width)} ${(n === 1 ? one : `${one}s`).padEnd(one.length + 1)}`;

/** The report for people: what was read, what was rebuilt, and how it compares. */
export function rebuildReport(output: RebuildOutput): string[] {
  const width = Math.max(...output.topics.map((topic) => topic.name.length));
  const lines = [`rebuilt the read model into schema ${output.schema} from:`];
  for (const topic of output.topics) {
    const skipped =
      topic.skipped > 0 ? `, ${plural(topic.skipped, "record")} skipped (not events; dead-lettered live)` : "";
    lines.push(
      `  ${topic.name.padEnd(width)}  ${column(topic.partitions, "partition", 3)}  ${column(topic.events, "event", 8).trimEnd()}${skipped}`,
    );
  }
  const total = Object.values(output.requests).reduce((sum, n) => sum + n, 0);
  const statuses = Object.entries(output.requests).map(([status, n]) => `${status} ${n}`);
  lines.push(
    `${plural(total, "request")}${statuses.length > 0 ? ` (${statuses.join(", ")})` : ""}, ${plural(output.jobs, "table job")}`,
  );
  lines.push(
    `${plural(output.announced, "finished export")} announced (completion_published_at from its first ExportCompleted record)` +
      (output.unannounced.length > 0
        ? `; ${output.unannounced.length} finished but never announced, left so for a tracker to announce: ${output.unannounced.join(", ")}`
        : ""),
  );
  const comparison = output.comparison;
  if (!comparison) return lines;
  const compared = `${plural(comparison.rows.request_table, "request")} and ${plural(comparison.rows.table_export_job_statuses, "table job")}`;
  const lag = comparison.announcementLagMs;
  const announced =
    lag.compared > 0
      ? ` (completion_published_at of ${lag.compared}: the rebuilt value ${lag.min} to ${lag.max} ms before the live one)`
      : "";
  if (comparison.equal) {
    lines.push(`compared with ${comparison.with}: ${compared}, no difference${announced}`);
    return lines;
  }
  lines.push(
    `compared with ${comparison.with}: ${plural(comparison.differences.length, "difference")} in ${compared}${announced}`,
  );
  for (const difference of comparison.differences.slice(0, MAX_LISTED)) lines.push(`  ${describe(difference)}`);
  if (comparison.differences.length > MAX_LISTED)
    lines.push(`  ... and ${comparison.differences.length - MAX_LISTED} more (--json lists them all)`);
  return lines;
}

function describe(difference: RowDifference): string {
  const where = `${difference.table} ${difference.key}`;
  if (difference.kind === "missing") return `${where}: only in the live model`;
  if (difference.kind === "extra") return `${where}: only in the rebuilt model`;
  return `${where}: ${difference.column} live ${JSON.stringify(difference.live)}, rebuilt ${JSON.stringify(difference.rebuilt)}`;
}
