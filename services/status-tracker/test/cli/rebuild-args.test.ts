import { describe, expect, it } from "@jest/globals";
import { parseRebuildArgs } from "../../src/cli/rebuild-args.js";

const parse = (...argv: string[]) => parseRebuildArgs(argv, { liveSchema: "de_internal" });

describe("parseRebuildArgs", () => {
  it("takes the schema to build, and optionally one to compare with and --json", () => {
    expect(parse("--schema", "de_rebuilt")).toEqual({ schema: "de_rebuilt", compareWith: null, json: false });
    expect(parse("--schema", "de_rebuilt", "--compare-with", "de_internal", "--json")).toEqual({
      schema: "de_rebuilt",
      compareWith: "de_internal",
      json: true,
    });
    expect(parse("--help")).toBe("help");
  });

  it("rejects a missing schema, a name that is not a schema and unknown options", () => {
    expect(() => parse()).toThrow(expect.objectContaining({ code: "REBUILD_ARGS", message: "--schema is required" }));
    expect(() => parse("--schema", 'x"; DROP')).toThrow(expect.objectContaining({ code: "REBUILD_ARGS" }));
    expect(() => parse("--schema", "a", "--compare-with", "B")).toThrow(/--compare-with "B" is not a schema name/);
    expect(() => parse("--schema", "a", "--force")).toThrow(expect.objectContaining({ code: "REBUILD_ARGS" }));
  });

  it("refuses to build into the live schema or the one to compare with", () => {
    expect(() => parse("--schema", "de_internal")).toThrow(
      expect.objectContaining({
        code: "REBUILD_REFUSED",
        message: expect.stringContaining("STATUS_SCHEMA") as unknown,
      }),
    );
    expect(() => parse("--schema", "x", "--compare-with", "x")).toThrow(
      expect.objectContaining({ code: "REBUILD_REFUSED" }),
    );
  });
});
