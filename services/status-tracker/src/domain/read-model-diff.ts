/** One row of a read-model table, column name to value (as PostgreSQL's to_jsonb renders it). */
export type ModelRow = Readonly<Record<string, unknown>>;

/** Both tables of a read model. */
export interface ReadModelRows {
  readonly requests: readonly ModelRow[];
  readonly jobs: readonly ModelRow[];
}

export type ReadModelTable = "request_table" | "table_export_job_statuses";

/** Columns left out of the comparison, and why (docs/rebuild.md). */
export const notCompared: Readonly<Record<string, string>> = {
  updated_at: "when the row was last written, not when anything happened: a rebuild writes every row anew",
};

/**
 * Compared only as "announced or not": the live value is when the tracker marked the ExportCompleted published (its
 * clock, after the broker's acknowledgement), the rebuilt one the timestamp of the first ExportCompleted record.
 */
export const announcementColumn = "completion_published_at";

export interface RowDifference {
  readonly table: ReadModelTable;
  /** The row's primary key: the request id, and `/table` for a job. */
  readonly key: string;
  /** missing: only the live model has the row; extra: only the rebuilt one; column: both, with a column different. */
  readonly kind: "missing" | "extra" | "column";
  readonly column?: string;
  readonly live?: unknown;
  readonly rebuilt?: unknown;
}

export interface ReadModelComparison {
  /** Rows compared per table (both models' keys together). */
  readonly rows: Readonly<Record<ReadModelTable, number>>;
  readonly differences: readonly RowDifference[];
  /** completion_published_at where both are set: live minus rebuilt, in ms (the rebuilt value comes first). */
  readonly announcementLagMs: { readonly compared: number; readonly min: number | null; readonly max: number | null };
}

const keyOf: Record<ReadModelTable, (row: ModelRow) => string> = {
  request_table: (row) => String(row.de_request_id),
  table_export_job_statuses: (row) => `${String(row.de_request_id)}/${String(row.table_name)}`,
};

/**
 * Compares a rebuilt read model with the live one row by row, every column exactly except those in `notCompared`
 * and the announcement column (set or not on both sides). Differences are ordered by table, key and column.
 */
export function compareReadModels(live: ReadModelRows, rebuilt: ReadModelRows): ReadModelComparison {
  const lags: number[] = [];
  const differences: RowDifference[] = [];
  const rows = {} as Record<ReadModelTable, number>;
  const tables: [ReadModelTable, readonly ModelRow[], readonly ModelRow[]][] = [
    ["request_table", live.requests, rebuilt.requests],
    ["table_export_job_statuses", live.jobs, rebuilt.jobs],
  ];
  for (const [table, liveRows, rebuiltRows] of tables) {
    const liveByKey = new Map(liveRows.map((row) => [keyOf[table](row), row]));
    const rebuiltByKey = new Map(rebuiltRows.map((row) => [keyOf[table](row), row]));
    const keys = [...new Set([...liveByKey.keys(), ...rebuiltByKey.keys()])].sort();
    rows[table] = keys.length;
    for (const key of keys) {
      const a = liveByKey.get(key);
      const b = rebuiltByKey.get(key);
      if (!a || !b) {
        differences.push({ table, key, kind: a ? "missing" : "extra" });
        continue;
      }
      const columns = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((c) => !(c in notCompared)).sort();
      for (const column of columns) {
        const [x, y] = [a[column] ?? null, b[column] ?? null];
        if (column === announcementColumn) {
          if ((x === null) !== (y === null))
            differences.push({ table, key, kind: "column", column, live: x, rebuilt: y });
          else if (x !== null && y !== null) lags.push(epochMs(x) - epochMs(y));
        } else if (canonical(x) !== canonical(y)) {
          differences.push({ table, key, kind: "column", column, live: x, rebuilt: y });
        }
      }
    }
  }
  return {
    rows,
    differences,
    announcementLagMs: {
      compared: lags.length,
      min: lags.length > 0 ? lags.reduce((m, lag) => Math.min(m, lag)) : null,
      max: lags.length > 0 ? lags.reduce((m, lag) => Math.max(m, lag)) : null,
    },
  };
}

/** A timestamp as to_jsonb renders it (ISO 8601 with an offset, microseconds) in epoch ms. */
const epochMs = (value: unknown): number => (typeof value === "string" ? Date.parse(value) : Number.NaN);

/** JSON with object keys sorted, so equal values compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([k1], [k2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : 0)))
      : v,
  );
}
