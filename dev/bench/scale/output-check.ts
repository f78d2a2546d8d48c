/**
 * Whether the scale run's outputs are real: every finished request's status is checked for consistency (each
 * completed table lists its files, whose rows add up to the table's), and a sample of requests is checked against
 * the bucket (each table's manifest and its first Parquet file downloaded and compared with the status).
 */
import { readParquet, type RequestStatusResult } from "../../harness/index.js";

export interface OutputCheck {
  readonly requestsChecked: number;
  readonly manifestsChecked: number;
  readonly parquetFilesChecked: number;
  readonly problems: readonly string[];
}

/** What is wrong with one finished request's status on its own (no I/O): an empty list when nothing. */
export function statusProblems(status: RequestStatusResult): string[] {
  const problems: string[] = [];
  const where = (table: string): string => `${status.requestId} ${table}`;
  if (status.status === "Completed" && status.tables.length === 0) problems.push(`${status.requestId}: no tables`);
  for (const table of status.tables) {
    if (status.status === "Completed" && table.status !== "COMPLETED")
      problems.push(`${where(table.tableName)}: ${table.status} in a Completed export`);
    if (table.status !== "COMPLETED") continue;
    if (table.fileCount !== table.files.length)
      problems.push(`${where(table.tableName)}: fileCount ${table.fileCount}, ${table.files.length} files listed`);
    const rows = table.rows ?? 0;
    if (rows > 0 && table.files.length === 0) problems.push(`${where(table.tableName)}: ${rows} rows, no files`);
    const fileRows = table.files.reduce((sum, f) => sum + f.rows, 0);
    if (fileRows !== rows) problems.push(`${where(table.tableName)}: files hold ${fileRows} rows, table ${table.rows}`);
    if (table.manifestUrl === null || table.manifestUrl === undefined)
      problems.push(`${where(table.tableName)}: no manifest`);
  }
  return problems;
}

/** Indexes of `sample` items spread evenly over `total` (first and last included). */
export function spreadSample(total: number, sample: number): number[] {
  if (total <= 0 || sample <= 0) return [];
  if (sample >= total) return Array.from({ length: total }, (_, i) => i);
  if (sample === 1) return [0];
  return [...new Set(Array.from({ length: sample }, (_, i) => Math.round((i * (total - 1)) / (sample - 1))))];
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url.split("?")[0]}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function checkOutputs(finished: readonly RequestStatusResult[], sample: number): Promise<OutputCheck> {
  const problems = finished.flatMap(statusProblems);
  let manifestsChecked = 0;
  let parquetFilesChecked = 0;
  const sampled = spreadSample(finished.length, sample).map((i) => finished[i]!);
  for (const status of sampled) {
    for (const table of status.tables) {
      if (table.status !== "COMPLETED" || !table.manifestUrl) continue;
      const where = `${status.requestId} ${table.tableName}`;
      try {
        const manifest = JSON.parse(new TextDecoder().decode(await download(table.manifestUrl))) as {
          totalRows: number;
          files: { key: string }[];
        };
        manifestsChecked++;
        if (manifest.totalRows !== table.rows)
          problems.push(`${where}: manifest says ${manifest.totalRows} rows, status ${table.rows}`);
        if (manifest.files.map((f) => f.key).join() !== table.files.map((f) => f.key).join())
          problems.push(`${where}: manifest files differ from the status's`);
        const first = table.files[0];
        if (first !== undefined) {
          const parquet = await readParquet(await download(first.url));
          parquetFilesChecked++;
          if (parquet.rows.length !== first.rows)
            problems.push(`${where}: ${first.key} holds ${parquet.rows.length} rows, status says ${first.rows}`);
        }
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
  }
  return { requestsChecked: finished.length, manifestsChecked, parquetFilesChecked, problems };
}
