import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { writeParquetTables } from "../../src/adapters/duckdb-parquet-writer.js";
import { PlannerError } from "../../src/errors.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "planner-parquet-"));
  dirs.push(dir);
  return dir;
}

describe("writeParquetTables", () => {
  it("writes typed columns, nulls and awkward text that another reader reads back exactly", async () => {
    const rows = [
      ["it's", true, 3],
      [null, false, null],
      ["ünïcødé\nline", null, -1],
    ];
    const [file] = await writeParquetTables(
      [
        {
          name: "sample",
          columns: [
            { name: "text_col", type: "VARCHAR" },
            { name: "flag", type: "BOOLEAN" },
            { name: "digits", type: "INTEGER" },
          ],
          rows,
        },
      ],
      await tempDir(),
    );
    expect(file).toMatchObject({ name: "sample", rows: 3 });
    const bytes = await readFile(file?.path ?? "");
    const read = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      compressors,
    });
    expect(read).toEqual([
      { text_col: "it's", flag: true, digits: 3 },
      { text_col: null, flag: false, digits: null },
      { text_col: "ünïcødé\nline", flag: null, digits: -1 },
    ]);
  });

  it("writes an empty table", async () => {
    const [file] = await writeParquetTables(
      [{ name: "empty", columns: [{ name: "a", type: "VARCHAR" }], rows: [] }],
      await tempDir(),
    );
    expect(file?.rows).toBe(0);
  });

  it("refuses names that are not plain identifiers and values of the wrong type", async () => {
    const dir = await tempDir();
    await expect(
      writeParquetTables([{ name: "x; drop", columns: [{ name: "a", type: "VARCHAR" }], rows: [] }], dir),
    ).rejects.toThrow(PlannerError);
    await expect(
      writeParquetTables([{ name: "t", columns: [{ name: "a", type: "INTEGER" }], rows: [["1"]] }], dir),
    ).rejects.toThrow(/string value in a INTEGER/);
  });
});
