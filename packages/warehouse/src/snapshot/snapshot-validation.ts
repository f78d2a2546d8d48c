import type { InlineSnapshot, SnapshotColumnType, UnloadTableCommand } from "@data-exporter/contracts";
import { assertOutputPrefix } from "../command-validation.js";
import { invalidCommand } from "../errors.js";

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function fits(type: SnapshotColumnType, value: unknown): boolean {
  if (value === null) return true;
  if (type === "VARCHAR") return typeof value === "string";
  if (type === "BOOLEAN") return typeof value === "boolean";
  return typeof value === "number" && Number.isInteger(value) && value >= INT32.min && value <= INT32.max;
}

/**
 * Checks a command whose rows travel with it: plain lower-case names (they become file names and DuckDB
 * identifiers), one value of the column's type per column in every row, and a safe prefix. Returns the snapshot.
 */
export function validateSnapshotCommand(command: UnloadTableCommand): InlineSnapshot {
  const { snapshot } = command;
  if (snapshot === null) throw invalidCommand("the command carries no snapshot");
  assertOutputPrefix(command.outputPrefix);
  if (snapshot.tables.length === 0) throw invalidCommand("the snapshot has no table");
  const tableNames = new Set<string>();
  for (const table of snapshot.tables) {
    if (!NAME.test(table.name) || tableNames.has(table.name))
      throw invalidCommand(`invalid or repeated snapshot table name ${JSON.stringify(table.name).slice(0, 80)}`);
    tableNames.add(table.name);
    const columnNames = new Set<string>();
    for (const column of table.columns) {
      if (!NAME.test(column.name) || columnNames.has(column.name))
        throw invalidCommand(
          `invalid or repeated column name ${JSON.stringify(column.name).slice(0, 80)} in ${table.name}`,
        );
      columnNames.add(column.name);
    }
    if (table.columns.length === 0) throw invalidCommand(`snapshot table ${table.name} has no column`);
    table.rows.forEach((row, index) => {
      if (row.length !== table.columns.length || row.some((value, i) => !fits(table.columns[i]!.type, value)))
        throw invalidCommand(`row ${index} of ${table.name} does not match its columns`, {
          table: table.name,
        });
    });
  }
  return snapshot;
}
