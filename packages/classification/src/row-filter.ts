import type { RowFilter } from "@data-exporter/contracts";
import { allowsRows, rowAccess } from "./classification-codes.js";
import type { Classification } from "./types.js";

/** Code-unit order, not locale order: the same rules give byte-identical plans everywhere. Values are unique. */
function sorted(values: string[]): string[] {
  return values.sort((a, b) => (a < b ? -1 : 1));
}

function valuesWhere(rules: ReadonlyMap<string, Classification>, keep: (c: Classification) => boolean): string[] {
  return sorted([...rules].filter(([, classification]) => keep(classification)).map(([value]) => value));
}

const isUnrestricted = (classification: Classification): boolean => rowAccess(classification) === "unrestricted";

/** Metrics whose rows are exported but restricted (hwc, mx): their rows must not keep mx values. Sorted. */
export function restrictedMetrics(metrics: ReadonlyMap<string, Classification>): string[] {
  return valuesWhere(metrics, (c) => rowAccess(c) === "restricted");
}

/**
 * Row filter of one table. Sources or metrics that are de, or have no rule at all, are absent from the allow-lists,
 * so their rows are not exported. Only nr sources are unrestricted: rows of hwc and mx sources are exported without
 * mx values. Without a source (metric) column the source (metric) lists are empty and unused.
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
    unrestrictedSources: hasSources ? valuesWhere(input.sources, isUnrestricted) : [],
    metricColumn: input.metricColumn,
    allowedMetrics: hasMetrics ? valuesWhere(input.metrics, allowsRows) : [],
  };
}
