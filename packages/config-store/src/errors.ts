export const configStoreErrorCodes = [
  "CONFIG_ITEM_INVALID",
  "CONFIG_TABLE_NOT_FOUND",
  "CONFIG_TABLE_SCHEMA_MISMATCH",
  "CONFIG_TABLE_NOT_READY",
  "CONFIG_WRITE_INCOMPLETE",
  "CONFIG_STORE_REQUEST_FAILED",
] as const;
export type ConfigStoreErrorCode = (typeof configStoreErrorCodes)[number];

export interface ConfigStoreErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean | undefined;
  /** The physical table involved, when there is one. */
  readonly table?: string | undefined;
}

export class ConfigStoreError extends Error {
  readonly code: ConfigStoreErrorCode;
  readonly retryable: boolean;
  readonly table: string | undefined;

  constructor(code: ConfigStoreErrorCode, message: string, options: ConfigStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConfigStoreError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.table = options.table;
  }
}

/** One item of a config table that cannot be read as a rule; `key` holds the item's key attributes as strings. */
export interface ConfigItemIssue {
  readonly table: string;
  readonly key: Readonly<Record<string, string>>;
  readonly attribute: string | undefined;
  readonly reason: string;
}

export function describeIssue(issue: ConfigItemIssue): string {
  const key = Object.entries(issue.key)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ");
  const attribute = issue.attribute === undefined ? "" : ` attribute ${issue.attribute}:`;
  return `${issue.table} {${key}}${attribute} ${issue.reason}`;
}

/**
 * Config items that do not parse. Never retryable: the data is wrong, and skipping a bad rule would silently change
 * what is exported, so the whole load fails and `issues` lists every bad item at once.
 */
export class ConfigItemInvalidError extends ConfigStoreError {
  readonly issues: readonly ConfigItemIssue[];

  constructor(issues: readonly ConfigItemIssue[]) {
    const shown = issues.slice(0, 20).map(describeIssue);
    const more = issues.length > shown.length ? `\n  - ... and ${issues.length - shown.length} more` : "";
    super("CONFIG_ITEM_INVALID", `invalid config items (${issues.length}):\n  - ${shown.join("\n  - ")}${more}`, {
      table: issues[0]?.table,
    });
    this.name = "ConfigItemInvalidError";
    this.issues = issues;
  }
}
