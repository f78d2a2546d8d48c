import { describe, expect, it } from "@jest/globals";
import { digestRows, rowDifference } from "../../chaos/digest.js";

describe("digestRows", () => {
  it("does not depend on the rows' order, and counts them", () => {
    const a = digestRows(["1|x", "2|y", "3|z"]);
    expect(digestRows(["3|z", "1|x", "2|y"])).toEqual(a);
    expect(a.rows).toBe(3);
    expect(a.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with a duplicated, a missing or an altered row", () => {
    const a = digestRows(["1|x", "2|y"]).checksum;
    expect(digestRows(["1|x", "2|y", "2|y"]).checksum).not.toBe(a);
    expect(digestRows(["1|x"]).checksum).not.toBe(a);
    expect(digestRows(["1|x", "2|Y"]).checksum).not.toBe(a);
    // Row boundaries count: two rows are not one row holding both.
    expect(digestRows(["1|x\n2|y"]).checksum).not.toBe(a);
  });
});

describe("rowDifference", () => {
  it("names what each side has more often, counting repeats", () => {
    expect(rowDifference(["a", "b", "b", "c"], ["a", "b", "d", "d"])).toEqual({
      missing: ["b", "c"],
      unexpected: ["d"],
      missingCount: 2,
      unexpectedCount: 2,
    });
    expect(rowDifference(["a"], ["a"])).toEqual({ missing: [], unexpected: [], missingCount: 0, unexpectedCount: 0 });
  });

  it("shows at most `limit` examples of each", () => {
    const diff = rowDifference(["1", "2", "3", "4", "5"], [], 2);
    expect(diff.missing).toEqual(["1", "2"]);
    expect(diff.missingCount).toBe(5);
  });
});
