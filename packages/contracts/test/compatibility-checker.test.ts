import { describe, expect, it } from "@jest/globals";
import type avsc from "avsc";
import { checkSchemaCompatibility } from "../src/index.js";

const status = (symbols: string[], extra: Record<string, unknown> = {}): avsc.Schema => ({
  type: "enum",
  name: "Status",
  symbols,
  ...extra,
});

const record = (fields: unknown[]): avsc.Schema =>
  ({ type: "record", name: "Evt", namespace: "t", fields: [{ name: "id", type: "string" }, ...fields] }) as avsc.Schema;

describe("checkSchemaCompatibility", () => {
  it("accepts identical schemas and an optional field added with a default", () => {
    const v1 = record([{ name: "status", type: status(["A", "B"]) }]);
    expect(checkSchemaCompatibility(v1, v1)).toEqual({ compatible: true, problems: [] });
    const v2 = record([
      { name: "status", type: status(["A", "B"]) },
      { name: "note", type: ["null", "string"], default: null },
    ]);
    expect(checkSchemaCompatibility(v1, v2).compatible).toBe(true);
  });

  it("rejects a field added without a default (old data has no value for it)", () => {
    const v1 = record([]);
    const v2 = record([{ name: "rows", type: "long" }]);
    const result = checkSchemaCompatibility(v1, v2);
    expect(result.compatible).toBe(false);
    expect(result.problems.join("\n")).toMatch(/backward.*default-less t\.Evt\.rows/);
  });

  it("rejects a field removed that had no default (old readers need it)", () => {
    const v1 = record([{ name: "rows", type: "long" }]);
    const result = checkSchemaCompatibility(v1, record([]));
    expect(result.problems.join("\n")).toMatch(/forward/);
  });

  it("rejects a removed enum symbol and an added one when the reader has no default", () => {
    const removed = checkSchemaCompatibility(
      record([{ name: "s", type: status(["A", "B"]) }]),
      record([{ name: "s", type: status(["A"]) }]),
    );
    expect(removed.compatible).toBe(false);
    expect(removed.problems.join("\n")).toMatch(/backward/);
    const added = checkSchemaCompatibility(
      record([{ name: "s", type: status(["A"]) }]),
      record([{ name: "s", type: status(["A", "B"]) }]),
    );
    expect(added.problems.join("\n")).toMatch(/forward/);
  });

  it("rejects a changed field type", () => {
    const result = checkSchemaCompatibility(
      record([{ name: "n", type: "string" }]),
      record([{ name: "n", type: "int" }]),
    );
    expect(result.compatible).toBe(false);
  });
});
