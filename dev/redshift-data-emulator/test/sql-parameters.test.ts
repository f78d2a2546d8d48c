import { describe, expect, it } from "@jest/globals";
import { bindParameters } from "../src/sql-parameters.js";

describe("bindParameters", () => {
  it("replaces each named parameter by one placeholder, leaving casts, literals and comments alone", () => {
    const bound = bindParameters("select :a::int, ':a', \"x:a\", :b, :a -- :b\n from t where c = :a", [
      { name: "a", value: "1" },
      { name: "b", value: "two" },
    ]);
    expect(bound.text).toBe("select $1::int, ':a', \"x:a\", $2, $1 -- :b\n from t where c = $1");
    expect(bound.values).toEqual(["1", "two"]);
    expect([...bound.used].sort()).toEqual(["a", "b"]);
  });

  it("keeps names it was not given (array slices, typos for PostgreSQL to report) and a text without parameters", () => {
    expect(bindParameters("select arr[1:n] from t where x = :x", [{ name: "x", value: "1" }]).text).toBe(
      "select arr[1:n] from t where x = $1",
    );
    expect(bindParameters("select :x", [])).toEqual({ text: "select :x", values: [], used: new Set() });
  });

  it("needs the name right after the colon", () => {
    expect(bindParameters("select : x", [{ name: "x", value: "1" }]).used.size).toBe(0);
  });
});
