import { readFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { generateContracts, generatedFile, readSchemaFiles } from "../../../../scripts/gen-contracts.js";

describe("generated/events.ts", () => {
  it("is current with schemas/avro (run `npm run gen:contracts` if this fails)", async () => {
    const expected = generateContracts(await readSchemaFiles());
    const actual = await readFile(generatedFile, "utf8");
    expect(actual).toBe(expected);
  });

  it("rejects a named type defined differently in two files", () => {
    const mode = (symbols: string[]) => ({ type: "enum", name: "Mode", symbols });
    const record = (name: string, symbols: string[]) => ({
      type: "record",
      name,
      namespace: "t",
      fields: [{ name: "mode", type: mode(symbols) }],
    });
    expect(() =>
      generateContracts([
        { file: "A.avsc", schema: record("A", ["X", "Y"]) },
        { file: "B.avsc", schema: record("B", ["X"]) },
      ]),
    ).toThrow("t.Mode is defined differently in A.avsc and B.avsc");
    expect(
      generateContracts([
        { file: "A.avsc", schema: record("A", ["X", "Y"]) },
        { file: "B.avsc", schema: record("B", ["X", "Y"]) },
      ]),
    ).toContain('export type Mode = "X" | "Y";');
  });
});
