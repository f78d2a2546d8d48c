import { readFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { generateContracts, generatedFile, readSchemaFiles, readSchemaHistory } from "../../scripts/gen-contracts.js";
import { schemaFingerprint } from "../../src/index.js";

const mode = (symbols: string[]) => ({ type: "enum", name: "Mode", symbols });
const record = (name: string, symbols: string[]) => ({
  type: "record",
  name,
  namespace: "t",
  fields: [{ name: "mode", type: mode(symbols) }],
});

describe("generated/events.ts", () => {
  it("is current with schemas/avro and their git history (run `npm run gen:contracts` if this fails)", async () => {
    // readSchemaHistory fails with an explanation without git or in a shallow clone (CI: fetch-depth 0).
    const files = await readSchemaFiles();
    const expected = generateContracts(files, readSchemaHistory(files));
    const actual = await readFile(generatedFile, "utf8");
    expect(actual).toBe(expected);
  });

  it("reads every committed version of a schema from git, oldest first", async () => {
    const files = (await readSchemaFiles()).filter(({ file }) => file === "ExportRequested.avsc");
    const versions = readSchemaHistory(files)["ExportRequested.avsc"] ?? [];
    // Added in the skeleton commit and reformatted by prettier since: history only grows from there.
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions[0]).toMatchObject({ type: "record", name: "ExportRequested" });
  });

  it("rejects a named type defined differently in two files", () => {
    expect(() =>
      generateContracts(
        [
          { file: "A.avsc", schema: record("A", ["X", "Y"]) },
          { file: "B.avsc", schema: record("B", ["X"]) },
        ],
        {},
      ),
    ).toThrow("t.Mode is defined differently in A.avsc and B.avsc");
    expect(
      generateContracts(
        [
          { file: "A.avsc", schema: record("A", ["X", "Y"]) },
          { file: "B.avsc", schema: record("B", ["X", "Y"]) },
        ],
        {},
      ),
    ).toContain('export type Mode = "X" | "Y";');
  });

  it("embeds each distinct previous version once, oldest first, without the current one", () => {
    const v1 = record("A", ["X"]);
    const v2 = record("A", ["X", "Y"]);
    const current = record("A", ["X", "Y", "Z"]);
    // Whitespace or key order changes do not change the canonical form, so v1 reformatted is still v1.
    const v1Again = { fields: v1.fields, namespace: "t", name: "A", type: "record" };
    const source = generateContracts([{ file: "A.avsc", schema: current }], {
      "A.avsc": [v1, v2, v1Again, current],
    });
    const previous = source.slice(source.indexOf("export const previousSchemas"));
    const fingerprints = [...previous.matchAll(/fingerprint: "([0-9a-f]{64})"/g)].map((match) => match[1]);
    expect(fingerprints).toEqual([schemaFingerprint(v1), schemaFingerprint(v2)]);
    expect(generateContracts([{ file: "A.avsc", schema: current }], {})).toContain("  A: [],\n");
  });
});
