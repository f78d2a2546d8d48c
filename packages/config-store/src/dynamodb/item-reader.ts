import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { ConfigItemIssue } from "../errors.js";

export type DynamoItem = Record<string, AttributeValue>;

/** What to do with attributes a config item should not have. */
export type UnknownAttributePolicy = "reject" | "ignore";

/**
 * Reads typed attributes from one raw item and records every problem instead of throwing at the first, so one
 * load reports all bad items. The caller discards the item when `ok` is false.
 */
export class ItemReader {
  readonly key: Readonly<Record<string, string>>;
  private readonly seen = new Set<string>();
  private failed = false;

  constructor(
    private readonly table: string,
    private readonly item: DynamoItem,
    keyAttributes: readonly string[],
    private readonly issues: ConfigItemIssue[],
  ) {
    const key: Record<string, string> = {};
    for (const name of keyAttributes) key[name] = renderValue(item[name]);
    this.key = key;
  }

  get ok(): boolean {
    return !this.failed;
  }

  fail(attribute: string | undefined, reason: string): undefined {
    this.failed = true;
    this.issues.push({ table: this.table, key: this.key, attribute, reason });
    return undefined;
  }

  has(name: string): boolean {
    return this.item[name] !== undefined;
  }

  /** A required, non-empty string (S); "" after a recorded failure. */
  string(name: string): string {
    return this.optionalString(name) ?? "";
  }

  /** A non-empty string, or null when the attribute is absent or NULL. */
  nullableString(name: string): string | null {
    if (!this.has(name) || this.item[name]?.NULL === true) {
      this.seen.add(name);
      return null;
    }
    return this.string(name);
  }

  /** A string from `allowed`; absent is an error. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      return this.fail(name, `unknown value ${JSON.stringify(value)} (expected one of ${allowed.join(", ")})`);
    }
    return value as T;
  }

  /** A required boolean (BOOL); false after a recorded failure. */
  boolean(name: string): boolean {
    this.seen.add(name);
    const value = this.item[name];
    if (value === undefined) return this.fail(name, "is missing") ?? false;
    if (value.BOOL === undefined) return this.fail(name, `must be a boolean (BOOL), got ${typeOf(value)}`) ?? false;
    return value.BOOL;
  }

  integer(name: string, min: number, max: number): number | undefined {
    this.seen.add(name);
    const value = this.item[name];
    if (value === undefined) return this.fail(name, "is missing");
    if (value.N === undefined) return this.fail(name, `must be a number (N), got ${typeOf(value)}`);
    const parsed = Number(value.N);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      return this.fail(name, `must be an integer in [${min}, ${max}], got ${value.N}`);
    }
    return parsed;
  }

  private optionalString(name: string): string | undefined {
    this.seen.add(name);
    const value = this.item[name];
    if (value === undefined) return this.fail(name, "is missing");
    if (value.S === undefined) return this.fail(name, `must be a string (S), got ${typeOf(value)}`);
    if (value.S.trim() === "") return this.fail(name, "must not be empty");
    return value.S;
  }

  /** Marks attributes as expected without reading them (e.g. the key attributes, read in the constructor). */
  expect(...names: readonly string[]): void {
    for (const name of names) this.seen.add(name);
  }

  /** Reports attributes nobody read: a misspelt `time_colum` must not silently become "no time column". */
  rejectUnknownAttributes(policy: UnknownAttributePolicy): void {
    if (policy === "ignore") return;
    for (const name of Object.keys(this.item)) {
      if (!this.seen.has(name)) this.fail(name, "is not a known attribute of this table");
    }
  }
}

function typeOf(value: AttributeValue): string {
  const present = Object.entries(value).find(([, v]) => v !== undefined);
  return present?.[0] ?? "nothing";
}

function renderValue(value: AttributeValue | undefined): string {
  if (value === undefined) return "<missing>";
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  return `<${typeOf(value)}>`;
}
