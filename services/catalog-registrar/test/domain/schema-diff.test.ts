import { describe, expect, it } from "@jest/globals";
import { describeDiff, diffSchemas, isSameSchema } from "../../src/domain/schema-diff.js";

describe("diffSchemas", () => {
  it("finds nothing when only order, case, spacing and comments differ", () => {
    const diff = diffSchemas(
      [
        { name: "a", type: "bigint" },
        { name: "d", type: "decimal(10, 2)", comment: "old" },
      ],
      [
        { name: "D", type: "DECIMAL(10,2)" },
        { name: "a", type: "bigint" },
      ],
    );
    expect(isSameSchema(diff)).toBe(true);
  });

  it("reports added, removed and retyped columns, and says so in one line", () => {
    const diff = diffSchemas(
      [
        { name: "way_id", type: "int" },
        { name: "speed", type: "double" },
      ],
      [
        { name: "way_id", type: "bigint" },
        { name: "lanes", type: "int" },
      ],
    );
    expect(diff).toEqual({
      added: [{ name: "lanes", type: "int" }],
      removed: [{ name: "speed", type: "double" }],
      retyped: [{ name: "way_id", catalogType: "int", exportType: "bigint" }],
    });
    expect(isSameSchema(diff)).toBe(false);
    expect(describeDiff(diff)).toBe("+lanes int, -speed double, ~way_id int→bigint");
  });
});
