import type { CatalogColumn } from "./hive-types.js";

/** How an export's columns differ from the catalog table's (empty lists: the same schema). */
export interface SchemaDiff {
  readonly added: readonly CatalogColumn[];
  readonly removed: readonly CatalogColumn[];
  readonly retyped: readonly { readonly name: string; readonly catalogType: string; readonly exportType: string }[];
}

/**
 * Compares by name and type; order and comments do not matter (Athena's Parquet reader maps columns by name).
 * Glue lower-cases names and types, so both sides are compared lower-cased.
 */
export function diffSchemas(catalog: readonly CatalogColumn[], exported: readonly CatalogColumn[]): SchemaDiff {
  const norm = (c: CatalogColumn): CatalogColumn => ({ ...c, name: c.name.toLowerCase(), type: normType(c.type) });
  const before = new Map(catalog.map(norm).map((c) => [c.name, c]));
  const after = new Map(exported.map(norm).map((c) => [c.name, c]));
  return {
    added: [...after.values()].filter((c) => !before.has(c.name)),
    removed: [...before.values()].filter((c) => !after.has(c.name)),
    retyped: [...after.values()].flatMap((c) => {
      const old = before.get(c.name);
      return old === undefined || old.type === c.type
        ? []
        : [{ name: c.name, catalogType: old.type, exportType: c.type }];
    }),
  };
}

export function isSameSchema(diff: SchemaDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.retyped.length === 0;
}

/** One line an operator reads in a log or the state table: `+lanes int, -speed double, ~way_id int→bigint`. */
export function describeDiff(diff: SchemaDiff): string {
  return [
    ...diff.added.map((c) => `+${c.name} ${c.type}`),
    ...diff.removed.map((c) => `-${c.name} ${c.type}`),
    ...diff.retyped.map((c) => `~${c.name} ${c.catalogType}→${c.exportType}`),
  ].join(", ");
}

function normType(type: string): string {
  return type.toLowerCase().replace(/\s+/g, "");
}
