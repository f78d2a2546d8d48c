import { createHash, randomUUID } from "node:crypto";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { FixtureRow, FixtureTable } from "./warehouse-harness.js";

/** A command with every field set to something plausible; tests override what they exercise. */
export function unloadCommand(overrides: Partial<UnloadTableCommand> = {}): UnloadTableCommand {
  return {
    requestId: "6f1c7f38-3c55-4d0b-9b44-0d3c1f7f0001",
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: Date.UTC(2026, 0, 1),
    windowEnd: Date.UTC(2026, 0, 2),
    table: "traffic",
    schema: "pm_internal",
    timeColumn: "obs_time",
    columns: [{ name: "obs_time", treatment: "AS_IS", roundDigits: null }],
    rowFilter: {
      sourceColumn: null,
      allowedSources: [],
      unrestrictedSources: [],
      metricColumn: null,
      allowedMetrics: [],
    },
    audit: [{ column: "obs_time", classification: "nr", action: "EXPORTED", rule: "classification:nr", detail: null }],
    outputPrefix: "exports/6f1c7f38/traffic/",
    fileBaseName: "traffic",
    configVersion: "v1",
    attempt: 1,
    run: 0,
    issuedAt: Date.UTC(2026, 0, 2, 1),
    snapshot: null,
    ...overrides,
  };
}

/** A table or view name no other test uses (tests create what they need instead of sharing). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;

const SOURCES = ["nr1", "mx1", "hwc1", "blocked"] as const;
/** Text edge cases: empty is not NULL, newline, non-ASCII, tab, quote, backslash-N (COPY's NULL marker). */
export const LABELS = ["plain", "", null, "line1\nline2", "Grüße 🚗", "tab\tquote's \\N"] as const;

/** Day 1: 48 rows every 30 minutes (123 ms past), cycling sources, metrics, NULLs and awkward text. */
export const trafficDay1: readonly FixtureRow[] = Array.from({ length: 48 }, (_, i) => ({
  obs_time: new Date(T0 + i * 30 * 60_000 + 123),
  way_id: i % 5 === 4 ? null : 9_000_000_000_000n + BigInt(i),
  source: SOURCES[i % SOURCES.length]!,
  metric: i % 3 === 0 ? "speed" : "volume",
  speed_kmh: i % 7 === 0 ? null : Number(`${i}.${i}5`),
  travel_time_s: i % 6 === 0 ? null : `${i * 1000}.${String(i).padStart(2, "0")}`,
  probe_count: i,
  label: LABELS[i % LABELS.length] ?? null,
  local_time: new Date(Date.UTC(2026, 0, 1, 10) + i * (17 * 60 + 3.5) * 1000),
}));

/** Day 3: extremes of bigint, numeric(10,2) and double. */
const trafficExtremes: readonly FixtureRow[] = [
  {
    obs_time: new Date(T0 + 48 * HOUR),
    way_id: 9223372036854775807n,
    source: "nr1",
    speed_kmh: NaN,
    travel_time_s: "99999999.99",
    label: "max",
  },
  {
    obs_time: new Date(T0 + 48 * HOUR + 1),
    way_id: -9223372036854775808n,
    source: "nr1",
    speed_kmh: -Infinity,
    travel_time_s: "-99999999.99",
    label: "min",
  },
  {
    obs_time: new Date(T0 + 48 * HOUR + 2),
    way_id: 0n,
    source: "nr1",
    speed_kmh: -0,
    travel_time_s: "0.01",
    label: "zero",
  },
];

/** Day 5, around the window [00:00, 01:00): just before, at start, 1 µs before the end, at the end. */
const D5 = T0 + 96 * HOUR;
const trafficBoundaries: readonly FixtureRow[] = [
  { obs_time: new Date(D5 - 1), way_id: 1n, source: "nr1" },
  { obs_time: new Date(D5), way_id: 2n, source: "nr1" },
  { obs_time: "2026-01-05T00:59:59.999999Z", way_id: 3n, source: "nr1" },
  { obs_time: new Date(D5 + HOUR), way_id: 4n, source: "nr1" },
];

export const traffic: FixtureTable = {
  name: "traffic",
  columns: [
    { name: "obs_time", type: "timestamptz" },
    { name: "way_id", type: "bigint" },
    { name: "source", type: "text" },
    { name: "metric", type: "text" },
    { name: "speed_kmh", type: "double" },
    { name: "travel_time_s", type: "numeric(10,2)" },
    { name: "probe_count", type: "int" },
    { name: "label", type: "text" },
    { name: "local_time", type: "timestamp" },
  ],
  rows: [...trafficDay1, ...trafficExtremes, ...trafficBoundaries],
};

/** A dimension without time column. */
export const road: FixtureTable = {
  name: "road",
  columns: [
    { name: "way_id", type: "bigint" },
    { name: "name", type: "text" },
    { name: "lanes", type: "int" },
  ],
  rows: [
    { way_id: 1n, name: "Main St", lanes: 2 },
    { way_id: 2n, name: "Ünïcode Rd", lanes: null },
    { way_id: 3n, name: "", lanes: 4 },
  ],
};

/** `rows` rows of 64 hex characters each (two MD5s): compresses poorly, so files split by size. */
export function bigTable(name: string, rows: number): FixtureTable {
  const md5 = (n: number): string => createHash("md5").update(String(n)).digest("hex");
  return {
    name,
    columns: [
      { name: "id", type: "int" },
      { name: "payload", type: "text" },
    ],
    rows: Array.from({ length: rows }, (_, i) => ({ id: i + 1, payload: md5(i + 1) + md5((i + 1) * 7) })),
  };
}

/** `rows` rows with ids from `from`, all at T0. */
export function liveRows(from: number, rows: number): FixtureRow[] {
  return Array.from({ length: rows }, (_, i) => ({ id: from + i, t: new Date(T0) }));
}

export function liveTable(name: string, rows: number): FixtureTable {
  return {
    name,
    columns: [
      { name: "id", type: "int" },
      { name: "t", type: "timestamptz" },
    ],
    rows: liveRows(1, rows),
  };
}
