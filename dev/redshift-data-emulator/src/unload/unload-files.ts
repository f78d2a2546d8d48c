/**
 * Redshift's names and manifest for the files of one UNLOAD (pure).
 *
 * Names: with PARALLEL ON (the default) each slice writes `<prefix><slice, 4 digits>_part_<part, 2 digits>`; the
 * emulated cluster has one slice, 0000, so a split result is `0000_part_00`, `0000_part_01`, ... With PARALLEL OFF
 * the files are numbered serially, `<prefix>000`, `<prefix>001`, ... Parquet files end in `.parquet` unless
 * EXTENSION names another extension.
 */

/** The slice number every file of the emulator's single-slice cluster carries. */
export const EMULATED_SLICE = 0;

export function dataFileKey(prefix: string, index: number, parallel: boolean, extension: string): string {
  const name = parallel
    ? `${String(EMULATED_SLICE).padStart(4, "0")}_part_${String(index).padStart(2, "0")}`
    : String(index).padStart(3, "0");
  return `${prefix}${name}${extension}`;
}

/** `<prefix>manifest`, next to the data files. */
export const manifestKey = (prefix: string): string => `${prefix}manifest`;

export interface UnloadedFile {
  readonly key: string;
  readonly bytes: number;
  readonly rows: number;
}

/** A column as the manifest's VERBOSE schema lists it. */
export interface ManifestColumn {
  readonly name: string;
  /** PostgreSQL's `format_type` of the column, e.g. `character varying(20)`, `numeric(10,2)`, `integer`. */
  readonly formatType: string;
}

export interface ManifestType {
  readonly base: string;
  readonly max_length?: number;
  readonly precision?: number;
  readonly scale?: number;
}

/** Redshift's VARCHAR holds at most this many bytes; unbounded text is reported with it. */
const MAX_VARCHAR = 65_535;

/**
 * The manifest's type of a column: Redshift's base type name and, for CHAR/VARCHAR, the length (`max_length`), for
 * NUMERIC the precision and scale. PostgreSQL's `text` and unbounded `character varying`, which Redshift does not
 * have, are reported as `character varying` of 65,535; a NUMERIC without typmod has no dimensions to report.
 */
export function manifestType(formatType: string): ManifestType {
  const match = /^(.*?)\((\d+)(?:,(\d+))?\)(.*)$/.exec(formatType);
  const base = match === null ? formatType : `${match[1] ?? ""}${match[4] ?? ""}`.trim();
  const first = match?.[2] === undefined ? undefined : Number(match[2]);
  const second = match?.[3] === undefined ? undefined : Number(match[3]);
  if (base === "text" || (base === "character varying" && first === undefined)) {
    return { base: "character varying", max_length: MAX_VARCHAR };
  }
  if ((base === "character varying" || base === "character") && first !== undefined) {
    return { base, max_length: first };
  }
  if (base === "numeric" && first !== undefined) return { base, precision: first, scale: second ?? 0 };
  return { base };
}

/**
 * The manifest JSON. MANIFEST lists each file's `url` with `meta.content_length` (Redshift adds that key for Parquet,
 * as Spectrum needs it); MANIFEST VERBOSE adds each file's `record_count`, the `schema`, the totals under `meta` and
 * the `author`.
 */
export function buildManifest(params: {
  readonly bucket: string;
  readonly files: readonly UnloadedFile[];
  readonly verbose: boolean;
  readonly columns: readonly ManifestColumn[];
}): string {
  const url = (key: string): string => `s3://${params.bucket}/${key}`;
  if (!params.verbose) {
    return JSON.stringify(
      { entries: params.files.map((f) => ({ url: url(f.key), meta: { content_length: f.bytes } })) },
      null,
      2,
    );
  }
  return JSON.stringify(
    {
      entries: params.files.map((f) => ({
        url: url(f.key),
        meta: { content_length: f.bytes, record_count: f.rows },
      })),
      schema: { elements: params.columns.map((c) => ({ name: c.name, type: manifestType(c.formatType) })) },
      meta: {
        content_length: params.files.reduce((sum, f) => sum + f.bytes, 0),
        record_count: params.files.reduce((sum, f) => sum + f.rows, 0),
      },
      author: { name: "Amazon Redshift", version: "1.0.0" },
    },
    null,
    2,
  );
}
