import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import type { Warehouse } from "../src/index.js";

/**
 * Column types the contract suite speaks. Each harness maps them to its warehouse's own type (DDL) and to the
 * spelling its `describeTable` reports (`typeName`).
 */
export type LogicalType =
  | "timestamptz"
  | "timestamp"
  | "date"
  | "bigint"
  | "int"
  | "double"
  | "text"
  | "boolean"
  | `numeric(${number},${number})`;

/**
 * A fixture value as JS. By column type: timestamptz a `Date`, or an ISO-8601 string with an offset when it needs
 * microseconds (`2026-01-05T00:59:59.999999Z`); timestamp a `Date` (its UTC wall time) or `YYYY-MM-DD HH:MM:SS[.f]`;
 * date `YYYY-MM-DD`; bigint a `bigint`; int an integer `number`; double a `number` (NaN, ±Infinity and -0 included);
 * numeric(p,s) an exact decimal string; text a string; boolean a boolean. `null` (or a missing key) is SQL NULL.
 */
export type FixtureValue = Date | string | number | bigint | boolean | null;
export type FixtureRow = Readonly<Record<string, FixtureValue>>;

export interface FixtureColumn {
  readonly name: string;
  readonly type: LogicalType;
}

/** A table in the harness's schema; lower-case identifiers, unique per test. */
export interface FixtureTable {
  readonly name: string;
  readonly columns: readonly FixtureColumn[];
  readonly rows: readonly FixtureRow[];
}

/**
 * A view of every column of a table. `delayMs` makes every query that reads the view run at least that long in the
 * warehouse (PostgreSQL: a pg_sleep in the view): tests use it to act while an unload's query is running.
 */
export interface FixtureView {
  readonly name: string;
  readonly of: string;
  readonly delayMs?: number;
}

/** One row with every value as text (NULL as null): Parquet read back, or the warehouse's own result. */
export type TextRow = Record<string, string | null>;

/** The adapter-neutral knobs the suite turns; each adapter maps them onto its own config. */
export interface WarehouseOverrides {
  readonly maxFileBytes?: number;
  readonly rowGroupSize?: number;
  readonly objectStore?: ObjectStore;
}

/**
 * What the contract suite needs from one adapter's test harness: fixtures, reference rows, and the adapter's
 * `Warehouse`, all in one uniquely named schema and bucket. The suite speaks only this and the port; everything
 * dialect-specific (DDL, SQL text, session settings, catalog spellings) lives behind it.
 */
export interface WarehouseHarness {
  /** Unique schema of this harness; every fixture is created in it. */
  readonly schema: string;
  /** Unique bucket the warehouses write to. */
  readonly store: ObjectStore;
  /** KEYED_HASH secret the warehouses are configured with. */
  readonly hashKey: string;
  /** Local scratch directory of every warehouse made here (the suite checks it is left empty). */
  readonly tempDir: string;

  /** Creates the table in `schema` and inserts its rows. */
  createTable(table: FixtureTable): Promise<void>;
  /** Inserts (and commits) more rows into a table created with `createTable`. */
  insertRows(table: FixtureTable, rows: readonly FixtureRow[]): Promise<void>;
  createView(view: FixtureView): Promise<void>;
  /** How the adapter's `describeTable` spells a logical type (PostgreSQL: `format_type`, e.g. `numeric(10,2)`). */
  typeName(type: LogicalType): string;
  /**
   * What the warehouse itself returns for the command's classified selection (projection with treatments, row
   * filter, window), run directly and not through `unload`: every value as text, in the form DuckDB gives when it
   * reads the exported Parquet value back as VARCHAR, and KEYED_HASH columns as node:crypto
   * `createHmac("sha256", hashKey).update(text).digest("hex")` of the warehouse's text form of the value.
   */
  referenceRows(command: UnloadTableCommand): Promise<TextRow[]>;
  /** How many statements whose text names `relation` are running in the warehouse now (this probe aside). */
  runningQueries(relation: string): Promise<number>;

  /** The adapter's `Warehouse` on this harness's schema and bucket; closed by `teardown`. */
  warehouse(overrides?: WarehouseOverrides): Warehouse;
  /**
   * A `Warehouse` pointed at a warehouse that refuses connections, with the credentials it was given: no error
   * message may contain them.
   */
  unreachableWarehouse(): { readonly warehouse: Warehouse; readonly secrets: readonly string[] };
  /** Closes every warehouse made here and releases what `setup` created. */
  teardown(): Promise<void>;
}

export interface WarehouseHarnessFactory<H extends WarehouseHarness = WarehouseHarness> {
  readonly name: string;
  setup(): Promise<H>;
}

/** The stack's endpoints come from test/global-setup.ts through the environment. */
export function requireEnv(...names: string[]): string {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== "") return value;
  }
  throw new Error(`${names.join(" or ")} is not set: run through the jest global setup`);
}
