import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { hmacSha256Pads, quoteLiteral, renderUnloadQueries, type WarehouseColumn } from "../../src/index.js";
import { unloadCommand } from "../fixtures.js";

const columns: WarehouseColumn[] = [
  { name: "obs_time", type: "timestamp with time zone" },
  { name: "way_id", type: "bigint" },
  { name: "source", type: "text" },
  { name: "metric", type: "text" },
  { name: "speed", type: "numeric(10,2)" },
  { name: "label", type: "text" },
  { name: "odd", type: '"MyType"' },
];
const hashKey = "0123456789abcdef-secret";
const render = (overrides: Parameters<typeof unloadCommand>[0] = {}) =>
  renderUnloadQueries(unloadCommand(overrides), { columns, hashKey });

describe("renderUnloadQueries", () => {
  it("quotes identifiers and renders an exact half-open window", () => {
    const q = render({ windowStart: 1700000000123, windowEnd: 1700003600000 });
    expect(q.select).toBe(
      `SELECT "obs_time" AS "obs_time" FROM "pm_internal"."traffic" WHERE "obs_time" >= (TIMESTAMPTZ 'epoch' + 1700000000123 * INTERVAL '1 millisecond') AND "obs_time" < (TIMESTAMPTZ 'epoch' + 1700003600000 * INTERVAL '1 millisecond')`,
    );
    expect(q.count).toBe(
      `SELECT count(*) AS row_count FROM "pm_internal"."traffic" WHERE "obs_time" >= (TIMESTAMPTZ 'epoch' + 1700000000123 * INTERVAL '1 millisecond') AND "obs_time" < (TIMESTAMPTZ 'epoch' + 1700003600000 * INTERVAL '1 millisecond')`,
    );
  });

  it("exports a table without time column whole", () => {
    const q = render({ timeColumn: null, columns: [{ name: "way_id", treatment: "AS_IS", roundDigits: null }] });
    expect(q.select).toBe(`SELECT "way_id" AS "way_id" FROM "pm_internal"."traffic"`);
  });

  it("renders every treatment keeping the column type", () => {
    const q = render({
      columns: [
        { name: "way_id", treatment: "KEYED_HASH", roundDigits: null },
        { name: "speed", treatment: "ROUND", roundDigits: 1 },
        { name: "obs_time", treatment: "TRUNCATE_TO_HOUR", roundDigits: null },
        { name: "label", treatment: "NULLIFY", roundDigits: null },
      ],
    });
    expect(q.select).toContain(`CAST(round(CAST("speed" AS numeric), 1) AS numeric(38, 1)) AS "speed"`);
    expect(q.select).toContain(`date_trunc('hour', "obs_time") AS "obs_time"`);
    expect(q.select).toContain(`CAST(CASE WHEN false THEN "label" END AS text) AS "label"`);
    // The warehouse gets the text form only; the HMAC is computed by DuckDB in the outer projection.
    expect(q.select).toContain(`CAST("way_id" AS text) AS "way_id"`);
    expect(q.outer).toMatch(
      /^sha256\(unhex\('[0-9a-f]{128}'\) \|\| unhex\(sha256\(unhex\('[0-9a-f]{128}'\) \|\| encode\("way_id"\)\)\)\) AS "way_id", "speed", "obs_time", "label"$/,
    );
    expect(q.secrets).toHaveLength(2);
    for (const secret of q.secrets) {
      expect(q.outer).toContain(secret);
      expect(q.select).not.toContain(secret);
      expect(q.count).not.toContain(secret);
    }
    expect(q.select + q.outer).not.toContain(hashKey);
  });

  it("keeps mx values only for unrestricted sources, and filters sources and metrics with escaped literals", () => {
    const q = render({
      columns: [{ name: "speed", treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE", roundDigits: null }],
      rowFilter: {
        sourceColumn: "source",
        allowedSources: ["nr1", "mx'1", "back\\slash"],
        unrestrictedSources: ["nr1"],
        metricColumn: "metric",
        allowedMetrics: ["speed"],
      },
    });
    expect(q.select).toContain(
      `CAST(CASE WHEN CAST("source" AS text) COLLATE "C" IN (E'nr1') THEN "speed" END AS numeric(10,2)) AS "speed"`,
    );
    expect(q.select).toContain(`CAST("source" AS text) COLLATE "C" IN (E'nr1', E'mx''1', E'back\\\\slash')`);
    expect(q.select).toContain(`CAST("metric" AS text) COLLATE "C" IN (E'speed')`);
    expect(q.count).toContain(
      `CAST("source" AS text) COLLATE "C" IN (E'nr1', E'mx''1', E'back\\\\slash') AND CAST("metric" AS text) COLLATE "C" IN (E'speed')`,
    );
  });

  it("fails closed: no unrestricted source nulls mx columns, no allowed source exports no row", () => {
    const q = render({
      columns: [{ name: "odd", treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE", roundDigits: null }],
      rowFilter: {
        sourceColumn: "source",
        allowedSources: [],
        unrestrictedSources: [],
        metricColumn: "metric",
        allowedMetrics: [],
      },
    });
    // A type format_type() quotes is not pasted into a CAST: the CASE keeps its base type.
    expect(q.select).toContain(`CASE WHEN false THEN "odd" END AS "odd"`);
    expect(q.select).toMatch(/AND false AND false$/);
  });

  it("orders by the time column only when asked", () => {
    const q = renderUnloadQueries(unloadCommand(), { columns, hashKey, orderByTime: true });
    expect(q.select).toMatch(/ ORDER BY "obs_time"$/);
    expect(q.count).not.toContain("ORDER BY");
  });

  const invalid: [string, Parameters<typeof unloadCommand>[0], string][] = [
    ["a quoted table name", { table: 'traffic"; drop table x; --' }, "INVALID_COMMAND"],
    ["a schema with a dot", { schema: "a.b" }, "INVALID_COMMAND"],
    ["an unknown column", { columns: [{ name: "nope", treatment: "AS_IS", roundDigits: null }] }, "COLUMN_NOT_FOUND"],
    [
      "ROUND without digits",
      { columns: [{ name: "speed", treatment: "ROUND", roundDigits: null }] },
      "INVALID_COMMAND",
    ],
    ["ROUND on text", { columns: [{ name: "label", treatment: "ROUND", roundDigits: 2 }] }, "COLUMN_NOT_FOUND"],
    [
      "TRUNCATE_TO_HOUR on bigint",
      { columns: [{ name: "way_id", treatment: "TRUNCATE_TO_HOUR", roundDigits: null }] },
      "COLUMN_NOT_FOUND",
    ],
    ["a time column that is not a timestamp", { timeColumn: "label" }, "COLUMN_NOT_FOUND"],
    ["an empty window", { windowEnd: Date.UTC(2026, 0, 1) }, "INVALID_COMMAND"],
    ["a fractional window", { windowStart: 1.5 }, "INVALID_COMMAND"],
    [
      "a NUL in a source value",
      {
        rowFilter: {
          sourceColumn: "source",
          allowedSources: ["a\u0000"],
          unrestrictedSources: [],
          metricColumn: null,
          allowedMetrics: [],
        },
      },
      "INVALID_COMMAND",
    ],
    ["a prefix escaping upwards", { outputPrefix: "exports/../x/" }, "INVALID_COMMAND"],
    ["a prefix without slash", { outputPrefix: "exports/x" }, "INVALID_COMMAND"],
    ["a file base name with a slash", { fileBaseName: "a/b" }, "INVALID_COMMAND"],
    [
      "a column projected twice",
      {
        columns: [
          { name: "speed", treatment: "AS_IS", roundDigits: null },
          { name: "speed", treatment: "AS_IS", roundDigits: null },
        ],
      },
      "INVALID_COMMAND",
    ],
  ];
  for (const [what, overrides, code] of invalid) {
    it(`refuses ${what}`, () => {
      let caught: unknown;
      try {
        render(overrides);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code, retryable: false, errorKind: "INVALID_COMMAND" });
      expect((caught as Error).message).not.toContain(hashKey);
    });
  }
});

describe("quoteLiteral", () => {
  it("escapes quotes and backslashes in the E'' form", () => {
    expect(quoteLiteral(`it's \\ "x"`)).toBe(`E'it''s \\\\ "x"'`);
  });
});

describe("hmacSha256Pads", () => {
  const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();
  // What the rendered SQL computes: sha256(outer || sha256(inner || message)).
  const sqlStyle = (key: string, message: string): string => {
    const { innerHex, outerHex } = hmacSha256Pads(key);
    const inner = sha256(Buffer.concat([Buffer.from(innerHex, "hex"), Buffer.from(message, "utf8")]));
    return sha256(Buffer.concat([Buffer.from(outerHex, "hex"), inner])).toString("hex");
  };
  it.each([
    ["short key", "k"],
    ["64-byte key", "x".repeat(64)],
    ["long key", "y".repeat(100)],
    ["unicode key", "ключ-🔑"],
  ])("matches HMAC-SHA256 for a %s", (_what, key) => {
    for (const message of ["", "123", "Grüße\nzeile"]) {
      expect(sqlStyle(key, message)).toBe(createHmac("sha256", key).update(message).digest("hex"));
    }
  });
});

describe("ROUND with negative digits", () => {
  it("rounds to tens and keeps a decimal type without a negative scale", () => {
    const q = render({ columns: [{ name: "speed", treatment: "ROUND", roundDigits: -1 }] });
    expect(q.select).toContain(`CAST(round(CAST("speed" AS numeric), -1) AS numeric(38, 0)) AS "speed"`);
  });
});
