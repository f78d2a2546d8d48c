import { describe, expect, it } from "@jest/globals";
import { firstKeyword, hasOuterLimit, SqlLexError, tokenize } from "../src/sql-lexer.js";

const values = (sql: string): string[] => tokenize(sql).map((t) => `${t.kind}:${t.value}`);

describe("tokenize", () => {
  it("resolves Redshift's quoting in literals: doubled quotes and backslash escapes", () => {
    expect(values(`'it''s' 'it\\'s' 'a\\\\b' 'tab\\there' '\\101\\x42'`)).toEqual([
      "string:it's",
      "string:it's",
      "string:a\\b",
      "string:tab\there",
      "string:AB",
    ]);
  });

  it("skips comments (nested block comments too) and keeps quoted identifiers and dollar quotes whole", () => {
    expect(values(`-- a 'quote\n/* outer /* inner */ still */ "Col ""x""" $f$ it's $f$ $1`)).toEqual([
      'ident:Col "x"',
      "string: it's ",
      "punct:$",
      "number:1",
    ]);
  });

  it("tells :: casts from a colon", () => {
    expect(values("a::int b:c")).toEqual(["word:a", "punct:::", "word:int", "word:b", "punct::", "word:c"]);
  });

  it("refuses an unterminated literal or comment", () => {
    expect(() => tokenize("select 'abc")).toThrow(SqlLexError);
    expect(() => tokenize("select /* abc")).toThrow(/unterminated/);
  });
});

describe("firstKeyword", () => {
  it("is the first word after white space and comments, upper-cased", () => {
    expect(firstKeyword("  -- note\n /* x */ unload ('select 1') to 's3://b/p'")).toBe("UNLOAD");
    expect(firstKeyword("")).toBeUndefined();
    expect(firstKeyword('"unload"')).toBeUndefined();
  });
});

describe("hasOuterLimit", () => {
  it("finds LIMIT only outside parentheses and literals", () => {
    expect(hasOuterLimit(tokenize("select * from t limit 10"))).toBe(true);
    expect(hasOuterLimit(tokenize("select * from t where id in (select id from t limit 10)"))).toBe(false);
    expect(hasOuterLimit(tokenize("select 'limit' as \"limit\" from t"))).toBe(false);
  });
});
