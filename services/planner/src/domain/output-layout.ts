/**
 * Where an export's files go, as the seed lays them out:
 * - on demand: `{env}/data_exporter_service/{table}/YYYYMMDD/{dt_start}_{dt_end}/{table}_000.parquet`
 * - scheduled: `{env}/YYYY/MM/DD/{table}/{table}_000.parquet`
 * Dates and times are UTC for on-demand windows and the Melbourne calendar date for scheduled exports.
 */
export function onDemandPrefix(env: string, table: string, windowStart: number, windowEnd: number): string {
  const day = compactTimestamp(windowStart).slice(0, 8);
  return `${env}/data_exporter_service/${table}/${day}/${compactTimestamp(windowStart)}_${compactTimestamp(windowEnd)}/`;
}

export function scheduledPrefix(env: string, exportDate: string, table: string): string {
  const [year, month, day] = exportDate.split("-");
  return `${env}/${year}/${month}/${day}/${table}/`;
}

/** 2026-11-25T13:00:00.000Z → 20261125T130000Z */
export function compactTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
