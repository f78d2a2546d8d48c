import type { RowFilter } from "@data-exporter/contracts";
import { allowsRows } from "./classification-codes.js";
import type { Classification } from "./types.js";

/** Code-unit order, not locale order: the same rules give byte-identical plans everywhere. Values are unique. */
function sorted(values: string[]): string[] {
  return values.sort((a, b) => (a < b ? -1 : 1));
}

function valuesWhere(rules: ReadonlyMap<string, Classification>, keep: (c: Classification) => boolean): string[] {
  return sorted([...rules].filter(([, classification]) => keep(classification)).map(([value]) => value));
}

/**
 * Row filter of one table. Sources or metrics that are de, or have no rule at all, are absent from the allow-lists,
 * so their rows are not exported. Without a source (metric) column the source (metric) lists are empty and unused.
 */
export function buildRowFilter(input: {
  readonly sourceColumn: string | null;
  readonly metricColumn: string | null;
  readonly sources: ReadonlyMap<string, Classification>;
  readonly metrics: ReadonlyMap<string, Classification>;
}): RowFilter {
  const hasSources = input.sourceColumn !== null;
  const hasMetrics = input.metricColumn !== null;
  return {
    sourceColumn: input.sourceColumn,
    allowedSources: hasSources ? valuesWhere(input.sources, allowsRows) : [],
    unrestrictedSources: hasSources ? valuesWhere(input.sources, (c) => c === "nr") : [],
    metricColumn: input.metricColumn,
    allowedMetrics: hasMetrics ? valuesWhere(input.metrics, allowsRows) : [],
  };
}
