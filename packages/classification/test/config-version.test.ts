import { describe, expect, it } from "@jest/globals";
import { computeConfigVersion, defaultPolicy, type ClassificationRules, type ExportTableConfig } from "../src/index.js";
import { canonicalJson, fnv1a64 } from "../src/config-version.js";
import { tableConfig } from "./helpers.js";

const tables: ExportTableConfig[] = [tableConfig(), tableConfig({ table: "way", sourceColumn: "source" })];
const ruleSet: ClassificationRules = {
  columns: [
    { table: "way", column: "id", classification: "nr" },
    { table: "way", column: "geom", classification: "hwc", treatment: { kind: "round", digits: 3 } },
  ],
  sources: [
    { source: "FUSION", classification: "nr" },
    { source: "HERE", classification: "de" },
  ],
  metrics: [{ table: "long_t", metric: "speed", classification: "nr" }],
};

describe("fnv1a64", () => {
  it.each([
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["foobar", "85944171f73967e8"],
  ])("matches the published test vector for %j", (input, hash) => {
    expect(fnv1a64(input)).toBe(hash);
  });

  it("agrees with a BigInt reference on longer mixed text", () => {
    const text = `{"table":"way","column":"geom"} é € 😀 ${"x".repeat(1000)}`;
    const bytes = [...text].flatMap((ch) =>
      [...encodeURIComponent(ch)].length === 1
        ? [ch.charCodeAt(0)]
        : encodeURIComponent(ch)
            .split("%")
            .slice(1)
            .map((h) => parseInt(h, 16)),
    );
    expect(fnv1a64(text)).toBe(referenceFnv(bytes));
  });

  it("hashes the UTF-8 bytes of 1- to 4-byte characters", () => {
    // Reference: the same bytes hashed one by one from their known UTF-8 encodings.
    const bytesOf: Record<string, number[]> = {
      é: [0xc3, 0xa9],
      "€": [0xe2, 0x82, 0xac],
      "😀": [0xf0, 0x9f, 0x98, 0x80],
    };
    for (const [text, bytes] of Object.entries(bytesOf)) {
      expect(fnv1a64(text)).toBe(referenceFnv(bytes));
    }
  });
});

describe("canonicalJson", () => {
  it("sorts keys, drops undefined, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: [3, 1, { d: undefined, c: null }], e: "x" })).toBe(
      '{"a":[3,1,{"c":null}],"b":1,"e":"x"}',
    );
    expect(canonicalJson(undefined)).toBe("null");
  });
});

describe("computeConfigVersion", () => {
  const version = computeConfigVersion({ tables, rules: ruleSet });

  it("looks like cfg- and 16 hex digits", () => {
    expect(version).toMatch(/^cfg-[0-9a-f]{16}$/);
  });

  it("ignores the order of tables, rules and object keys, and undefined treatments", () => {
    const reordered = computeConfigVersion({
      tables: [...tables]
        .reverse()
        .map((t) => Object.fromEntries(Object.entries(t).reverse()) as unknown as ExportTableConfig),
      rules: {
        columns: [...ruleSet.columns].reverse().map((r) => ({ ...r, treatment: r.treatment })),
        sources: [...ruleSet.sources].reverse(),
        metrics: [...ruleSet.metrics],
      },
    });
    expect(reordered).toBe(version);
  });

  it.each([
    ["a table flag", { tables: [tableConfig({ enabled: false }), tables[1]!], rules: ruleSet }],
    [
      "a classification",
      {
        tables,
        rules: { ...ruleSet, sources: [{ source: "FUSION", classification: "mx" as const }, ruleSet.sources[1]!] },
      },
    ],
    [
      "a treatment",
      {
        tables,
        rules: {
          ...ruleSet,
          columns: [ruleSet.columns[0]!, { ...ruleSet.columns[1]!, treatment: { kind: "round" as const, digits: 2 } }],
        },
      },
    ],
    ["a metric", { tables, rules: { ...ruleSet, metrics: [] } }],
    ["a duplicated rule", { tables, rules: { ...ruleSet, metrics: [...ruleSet.metrics, ...ruleSet.metrics] } }],
    ["the policy", { tables, rules: ruleSet, policy: defaultPolicy }],
  ])("changes with %s", (_label, input) => {
    expect(computeConfigVersion(input)).not.toBe(version);
  });

  it("depends on the order of deny patterns, which decides the audit rule", () => {
    const policy = { ...defaultPolicy, denyColumnPatterns: ["a", "b"] };
    const swapped = { ...defaultPolicy, denyColumnPatterns: ["b", "a"] };
    expect(computeConfigVersion({ tables, rules: ruleSet, policy })).not.toBe(
      computeConfigVersion({ tables, rules: ruleSet, policy: swapped }),
    );
  });

  it("is the same for an absent policy and an undefined one", () => {
    expect(computeConfigVersion({ tables, rules: ruleSet, policy: undefined })).toBe(version);
  });
});

function referenceFnv(bytes: number[]): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) % 2n ** 64n;
  return hash.toString(16).padStart(16, "0");
}
