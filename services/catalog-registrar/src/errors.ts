export const catalogErrorCodes = [
  "GLUE_CALL",
  "MANIFEST_UNREADABLE",
  "UNMAPPABLE_COLUMN",
  "PARTITION_KEYS_DIFFER",
  "REGISTER_ARGS",
] as const;
export type CatalogErrorCode = (typeof catalogErrorCodes)[number];

/** Base error of the registrar; `retryable` is decided where the failure is understood (the adapter). */
export class CatalogError extends Error {
  override readonly name: string = "CatalogError";
  readonly code: CatalogErrorCode;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: CatalogErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

/** A Parquet column Athena has no type for: registering it would make every query of the table fail. */
export class UnmappableColumnError extends CatalogError {
  override readonly name = "UnmappableColumnError";
  constructor(
    readonly column: string,
    what: string,
  ) {
    super("UNMAPPABLE_COLUMN", `column ${column} is ${what}, which Athena cannot read`, { context: { column } });
  }
}
