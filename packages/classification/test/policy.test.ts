import { describe, expect, it } from "@jest/globals";
import { InvalidPolicyError, defaultPolicy } from "../src/index.js";
import { compileDenyPatterns, matchDenyPattern } from "../src/deny-patterns.js";

describe("defaultPolicy", () => {
  it("hashes hwc columns by default and is frozen", () => {
    expect(defaultPolicy.defaultHwcTreatment).toEqual({ kind: "keyed_hash" });
    expect(Object.isFrozen(defaultPolicy)).toBe(true);
    expect(Object.isFrozen(defaultPolicy.denyColumnPatterns)).toBe(true);
  });

  it("compiles every default pattern", () => {
    expect(compileDenyPatterns(defaultPolicy.denyColumnPatterns)).toHaveLength(defaultPolicy.denyColumnPatterns.length);
  });

  it("documents its known false positive", () => {
    const patterns = compileDenyPatterns(defaultPolicy.denyColumnPatterns);
    expect(matchDenyPattern(patterns, "template_id")?.source).toBe("plate");
  });
});

describe("deny patterns", () => {
  it("match case-insensitively and give the same answer on repeated calls", () => {
    const patterns = compileDenyPatterns(["email"]);
    expect(matchDenyPattern(patterns, "EMAIL")?.source).toBe("email");
    expect(matchDenyPattern(patterns, "EMAIL")?.source).toBe("email");
    expect(matchDenyPattern(patterns, "speed")).toBeUndefined();
  });

  it("reject an invalid regular expression with the cause", () => {
    let error: unknown;
    try {
      compileDenyPatterns(["ok", "[unclosed"]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect(error).toMatchObject({ code: "INVALID_POLICY", context: { pattern: "[unclosed" } });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it.each([[""], [null], [3]])("reject a pattern that is not a non-empty string: %j", (pattern) => {
    expect(() => compileDenyPatterns([pattern as string])).toThrow(InvalidPolicyError);
  });
});
