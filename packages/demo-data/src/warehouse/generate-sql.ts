import type { SeedParams } from "../seed-params.js";
import {
  cctvTable,
  demoMetrics,
  demoSources,
  internalAuditLogTable,
  quoteIdent,
  roadClasses,
  trafficObservationTable,
  wayMetricLongTable,
  wayTable,
  type DemoTable,
} from "./demo-tables.js";
import { textArray, uniform, uniformInt, weightedPick } from "./sql-random.js";

/**
 * INSERT ... SELECT statements that generate every demo row inside PostgreSQL from generate_series and the row index.
 * `$1` is always the window start (Melbourne midnight of startDate, as timestamptz); `hours` is the number of real
 * hours up to the Melbourne midnight `days` later (DST days have 23 or 25).
 */
export interface GenerationPlan {
  readonly table: DemoTable;
  readonly sql: string;
  /** Bind values: `[windowStart]` when the SQL uses `$1`, else none. */
  readonly usesWindowStart: boolean;
  readonly expectedRows: number;
}

export const auditLogRows = 50;
const msPerHour = 3_600_000;
const nullShare = 0.05;
const roadClassNames = roadClasses.map((r) => r.roadClass);
const speedLimits = `ARRAY[${roadClasses.map((r) => r.speedLimitKmh).join(", ")}]::int[]`;
const streetNames = [
  "Flinders",
  "Swanston",
  "Elizabeth",
  "Collins",
  "Bourke",
  "Lonsdale",
  "Spencer",
  "Queen",
  "William",
  "King",
  "Hoddle",
  "Punt",
  "Chapel",
  "Sydney",
  "Nicholson",
  "Lygon",
  "Brunswick",
  "Smith",
  "Victoria",
  "Alexandra",
];
const streetSuffixes = ["Road", "Street", "Avenue", "Parade", "Highway", "Boulevard"];

export function cctvCount(ways: number): number {
  return Math.ceil(ways / 4);
}

function target(schema: string, table: DemoTable): string {
  const columns = table.columns.map((c) => quoteIdent(c.name)).join(", ");
  return `INSERT INTO ${quoteIdent(schema)}.${quoteIdent(table.name)} (${columns})`;
}

/** Road class index of a way: shared by `way` and the traffic rows, which derive speeds from it without a join. */
function roadClassIndex(seed: number, wayId: string): string {
  return uniformInt(seed, "roadClass", wayId, roadClasses.length);
}

/** Way length in centimetres (bigint): `way` stores it as numeric(10,2) metres, traffic rows derive travel times. */
function wayLengthCm(seed: number, wayId: string): string {
  return `round((50 + ${uniform(seed, "wayLength", wayId)} * 4950) * 100)::bigint`;
}

/** Exact numeric with 2 decimals from a float: via integer hundredths, much cheaper than numeric round(). */
function hundredths(floatExpr: string): string {
  return `(round((${floatExpr}) * 100)::bigint::numeric * 0.01)`;
}

/** NULL with probability `nullShare`, else `value`. */
function sometimesNull(seed: number, salt: Parameters<typeof uniform>[1], key: string, value: string): string {
  return `CASE WHEN ${uniform(seed, salt, key)} < ${nullShare} THEN NULL ELSE ${value} END`;
}

export function wayInsert(schema: string, p: SeedParams): GenerationPlan {
  const s = p.seed;
  const points = `(120 + ${uniformInt(s, "wayPoints", "w", 180)})`;
  // Float rounding to 6 decimals prints as at most 6 decimals (shortest round-trip output) and is ~3x faster than numeric.
  const lon = `round((lon0 + pt * dlon + ${uniform(s, "wayJitter", "w * 1000 + pt")} * 0.00005) * 1000000) / 1000000`;
  const lat = `round((lat0 + pt * dlat + ${uniform(s, "wayJitter", "w * 1000 + pt + 500")} * 0.00005) * 1000000) / 1000000`;
  const sql = `${target(schema, wayTable)}
SELECT w,
  (${textArray(streetNames)})[1 + ${uniformInt(s, "wayName", "w", streetNames.length)}] || ' '
    || (${textArray(streetSuffixes)})[1 + ${uniformInt(s, "wayNameSuffix", "w", streetSuffixes.length)}] || ' ' || w,
  (${textArray(roadClassNames)})[1 + rc],
  (${speedLimits})[1 + rc],
  ${wayLengthCm(s, "w")}::numeric * 0.01,
  (SELECT '{"type":"Feature","properties":{"way_id":' || w || '},"geometry":{"type":"LineString","coordinates":['
      || string_agg('[' || ${lon} || ',' || ${lat} || ']', ',' ORDER BY pt) || ']}}'
    FROM generate_series(0, ${points} - 1) AS pts(pt)),
  NULL::bytea,
  CASE WHEN ${uniform(s, "wayEmailNull", "w")} < 0.1 THEN NULL
    ELSE 'ops.' || lpad(${uniformInt(s, "wayEmail", "w", 40)}::text, 2, '0') || '@roads.example.org' END,
  timestamptz '2015-01-01 00:00:00+00' + ${uniformInt(s, "wayCreated", "w", 5 * 365 * 86_400)} * interval '1 second'
FROM (
  SELECT w, ${roadClassIndex(s, "w")} AS rc,
    144.6 + ${uniform(s, "wayLon", "w")} * 0.8 AS lon0, -38.1 + ${uniform(s, "wayLat", "w")} * 0.5 AS lat0,
    (${uniform(s, "wayDirLon", "w")} - 0.5) * 0.0004 AS dlon, (${uniform(s, "wayDirLat", "w")} - 0.5) * 0.0004 AS dlat
  FROM generate_series(1::bigint, ${p.ways}::bigint) AS ws(w)
) AS base`;
  return { table: wayTable, sql, usesWindowStart: false, expectedRows: p.ways };
}

export function cctvInsert(schema: string, p: SeedParams): GenerationPlan {
  const s = p.seed;
  const count = cctvCount(p.ways);
  const sql = `${target(schema, cctvTable)}
SELECT c,
  1 + ${uniformInt(s, "cctvWay", "c", p.ways)},
  'CCTV-' || lpad(c::text, 5, '0'),
  round((-38.1 + ${uniform(s, "cctvLat", "c")} * 0.5)::numeric, 6)::float8,
  round((144.6 + ${uniform(s, "cctvLon", "c")} * 0.8)::numeric, 6)::float8,
  'cctv.operator' || lpad(${uniformInt(s, "cctvEmail", "c", 12)}::text, 2, '0') || '@roads.example.org',
  CASE WHEN ${uniform(s, "cctvStreamNull", "c")} < 0.1 THEN NULL ELSE 'rtsp://cctv.example.invalid/live/' || c END,
  timestamptz '2018-01-01 00:00:00+00' + ${uniformInt(s, "cctvInstalled", "c", 6 * 365 * 86_400)} * interval '1 second'
FROM generate_series(1::bigint, ${count}::bigint) AS cs(c)`;
  return { table: cctvTable, sql, usesWindowStart: false, expectedRows: count };
}

/**
 * Row i: slot i / ways (each hour has observationsPerWayPerHour slots), way i % ways + 1. Slot bounds are integer
 * milliseconds, so an observation never leaves its slot, its hour, or its Melbourne day.
 */
export function trafficInsert(schema: string, p: SeedParams, hours: number): GenerationPlan {
  const s = p.seed;
  const oph = p.observationsPerWayPerHour;
  const rows = p.ways * hours * oph;
  const sources = demoSources.map((d) => ({ value: d.source, share: d.share }));
  const sql = `${target(schema, trafficObservationTable)}
SELECT
  $1::timestamptz + (slot_start + floor(${uniform(s, "obsJitter", "i")} * (slot_end - slot_start))::bigint) * interval '1 millisecond',
  way_id,
  ${weightedPick("u_source", sources)},
  ${sometimesNull(s, "obsSpeedNull", "i", "speed")},
  ${sometimesNull(s, "obsTravelNull", "i", hundredths("length_m / (speed / 3.6)"))},
  ${sometimesNull(s, "obsProbeNull", "i", `1 + ${uniformInt(s, "obsProbeCount", "i", 40)}`)},
  'PV' || lpad(${uniformInt(s, "obsVehicle", "i", 20_000)}::text, 5, '0'),
  ${sometimesNull(s, "obsConfidenceNull", "i", `(round((0.5 + 0.5 * ${uniform(s, "obsConfidence", "i")}) * 1000) / 1000)::real`)}
FROM (
  SELECT i, way_id,
    (i / ${p.ways}) * ${msPerHour} / ${oph} AS slot_start,
    (i / ${p.ways} + 1) * ${msPerHour} / ${oph} AS slot_end,
    ${uniform(s, "obsSource", "i")} AS u_source,
    round((${speedLimits})[1 + ${roadClassIndex(s, "way_id")}] * (0.25 + 0.85 * ${uniform(s, "obsSpeed", "i")}) * 10) / 10 AS speed,
    ${wayLengthCm(s, "way_id")}::float8 / 100 AS length_m
  FROM (SELECT i, i % ${p.ways} + 1 AS way_id FROM generate_series(0::bigint, ${rows - 1}::bigint) AS gs(i) OFFSET 0) AS idx
  OFFSET 0
) AS base`;
  return { table: trafficObservationTable, sql, usesWindowStart: true, expectedRows: rows };
}

/** Row i: metric i % 6 of (way, hour) k = i / 6; all metrics of one (way, hour) share time and source. */
export function wayMetricLongInsert(schema: string, p: SeedParams, hours: number): GenerationPlan {
  const s = p.seed;
  const metrics = demoMetrics.length;
  const rows = p.ways * hours * metrics;
  const sources = demoSources.map((d) => ({ value: d.source, share: d.share }));
  const value = (expr: string): string => sometimesNull(s, "longValueNull", "i", expr);
  const u = uniform(s, "longValue", "i");
  const sql = `${target(schema, wayMetricLongTable)}
SELECT
  $1::timestamptz + ((k / ${p.ways}) * ${msPerHour} + ${uniformInt(s, "longJitter", "k", msPerHour)}) * interval '1 millisecond',
  k % ${p.ways} + 1,
  ${weightedPick("u_source", sources)},
  (${textArray(demoMetrics)})[1 + m],
  CASE m
    WHEN 0 THEN ${value(`floor(${u} * 2000)`)}
    WHEN 1 THEN ${value(`round(${u} * 10000) / 10000`)}
    WHEN 2 THEN ${value(`round(${u} * 5000) / 10`)}
    WHEN 3 THEN ${value(`CASE WHEN ${u} < 0.05 THEN 1 ELSE 0 END`)}
    WHEN 4 THEN ${value(`floor(${u} * 30)`)}
    ELSE ${value(u)}
  END
FROM (
  SELECT i, i / ${metrics} AS k, (i % ${metrics})::int AS m, ${uniform(s, "longSource", `i / ${metrics}`)} AS u_source
  FROM generate_series(0::bigint, ${rows - 1}::bigint) AS gs(i)
  OFFSET 0
) AS base`;
  return { table: wayMetricLongTable, sql, usesWindowStart: true, expectedRows: rows };
}

export function auditLogInsert(schema: string, p: SeedParams, hours: number): GenerationPlan {
  const s = p.seed;
  const actions = ["login", "export_config_change", "password_reset", "role_grant"];
  const sql = `${target(schema, internalAuditLogTable)}
SELECT a,
  $1::timestamptz + floor(${uniform(s, "auditTime", "a")} * ${hours * msPerHour})::bigint * interval '1 millisecond',
  'auditor' || ${uniformInt(s, "auditActor", "a", 5)} || '@roads.example.org',
  (${textArray(actions)})[1 + ${uniformInt(s, "auditAction", "a", actions.length)}]
FROM generate_series(1::bigint, ${auditLogRows}::bigint) AS au(a)`;
  return { table: internalAuditLogTable, sql, usesWindowStart: true, expectedRows: auditLogRows };
}

export function generationPlans(schema: string, p: SeedParams, hours: number): GenerationPlan[] {
  return [
    wayInsert(schema, p),
    cctvInsert(schema, p),
    trafficInsert(schema, p, hours),
    wayMetricLongInsert(schema, p, hours),
    auditLogInsert(schema, p, hours),
  ];
}
