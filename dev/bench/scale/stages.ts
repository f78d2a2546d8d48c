/**
 * Where the drain's time went, from the status read model once the run is over: how long requests waited to be
 * planned, how long each table's unload took, and how many unloads ran at once (the deployment's real concurrency,
 * which bounds the drain together with the time of one unload).
 */
import pg from "pg";
import { percentile, round } from "../figures.js";

export interface RequestTimes {
  readonly requestedAt: number;
  readonly plannedAt: number | null;
  readonly tables: readonly { readonly startedAt: number | null; readonly finishedAt: number | null }[];
}

export interface Spread {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface StageSummary {
  /** Requested → planned, seconds. */
  readonly planningS: Spread | null;
  /** One table's unload (started → finished, last attempt), seconds. */
  readonly tableUnloadS: Spread | null;
  /** Most table unloads running at the same moment. */
  readonly peakConcurrentUnloads: number;
  /** Tables unloaded per second between the first start and the last finish. */
  readonly tablesPerS: number | null;
}

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  return {
    p50: round(percentile(values, 50), 2),
    p95: round(percentile(values, 95), 2),
    max: round(Math.max(...values), 2),
  };
}

/** The most intervals [start, end) covering one moment; an end at the same time as a start goes first. */
export function peakOverlap(intervals: readonly (readonly [number, number])[]): number {
  const points: [number, number][] = intervals.flatMap(([start, end]): [number, number][] => [
    [start, 1],
    [end, -1],
  ]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of points) peak = Math.max(peak, (current += delta));
  return peak;
}

export function summariseStages(requests: readonly RequestTimes[]): StageSummary {
  const planning = requests.flatMap((r) => (r.plannedAt === null ? [] : [(r.plannedAt - r.requestedAt) / 1000]));
  const unloads = requests.flatMap((r) =>
    r.tables.flatMap((t): [number, number][] =>
      t.startedAt === null || t.finishedAt === null ? [] : [[t.startedAt, t.finishedAt]],
    ),
  );
  const first = Math.min(...unloads.map(([s]) => s));
  const last = Math.max(...unloads.map(([, e]) => e));
  return {
    planningS: spread(planning),
    tableUnloadS: spread(unloads.map(([s, e]) => (e - s) / 1000)),
    peakConcurrentUnloads: peakOverlap(unloads),
    tablesPerS: unloads.length === 0 || last <= first ? null : round(unloads.length / ((last - first) / 1000), 2),
  };
}

/** Reads the requests' times from the status tracker's read model (schema `schema` of the exporter database). */
export async function readRequestTimes(
  databaseUrl: string,
  schema: string,
  requestIds: readonly string[],
): Promise<RequestTimes[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;
    const { rows } = await client.query<{
      id: string;
      requested_at: number;
      planned_at: number | null;
      started_at: number | null;
      finished_at: number | null;
    }>(
      `SELECT r.de_request_id AS id, ${ms("r.requested_at")} AS requested_at, ${ms("r.planned_at")} AS planned_at,
              ${ms("j.started_at")} AS started_at, ${ms("j.finished_at")} AS finished_at
         FROM "${schema}".request_table r
         LEFT JOIN "${schema}".table_export_job_statuses j USING (de_request_id)
        WHERE r.de_request_id = ANY($1::uuid[])`,
      [requestIds],
    );
    const byRequest = new Map<
      string,
      { requestedAt: number; plannedAt: number | null; tables: RequestTimes["tables"][number][] }
    >();
    for (const row of rows) {
      const request = byRequest.get(row.id) ?? { requestedAt: row.requested_at, plannedAt: row.planned_at, tables: [] };
      if (row.started_at !== null || row.finished_at !== null)
        request.tables.push({ startedAt: row.started_at, finishedAt: row.finished_at });
      byRequest.set(row.id, request);
    }
    return [...byRequest.values()];
  } finally {
    await client.end();
  }
}
