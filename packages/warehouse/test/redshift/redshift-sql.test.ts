import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { renderRedshiftUnload, redshiftLiteral, redshiftTimestamp } from "../../src/redshift/redshift-sql.js";
import type { WarehouseColumn } from "../../src/index.js";
import { unloadCommand } from "../fixtures.js";

const columns: WarehouseColumn[] = [
  { name: "obs_time", type: "timestamp with time zone" },
  { name: "way_id", type: "bigint" },
  { name: "source", type: "character varying(256)" },
  { name: "speed", type: "numeric(10,2)" },
  { name: "label", type: "character varying(65535)" },
];
const target = {
  s3Prefix: "s3://exports-bucket/_staging/r1/traffic/attempt-1/traffic_",
  iamRole: "arn:aws:iam::123456789012:role/data-exporter-unload",
  maxFileBytes: 256 * 1024 * 1024,
  parallel: false,
};
const hashKey = "0123456789abcdef-secret";

/**
 * An independent reader of Redshift string literals (the rules the emulator and Redshift apply): '' is a quote,
 * a backslash escapes the next character. Returns the literal's value and where it ended.
 */
function readLiteral(text: string, start: number): { value: string; end: number } {
  if (text[start] !== "'") throw new Error(`no literal at ${start}`);
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") value += text[++i] ?? "";
    else if (c === "'" && text[i + 1] === "'") {
      value += "'";
      i++;
    } else if (c === "'") return { value, end: i + 1 };
    else value += c;
  }
  throw new Error("unterminated literal");
}

describe("renderRedshiftUnload", () => {
  it("renders one UNLOAD with the options that give {table}_000.parquet files, a verbose manifest and a size cap", () => {
    const { unload, count } = renderRedshiftUnload(
      unloadCommand({ columns: [{ name: "way_id", treatment: "AS_IS", roundDigits: null }] }),
      {
        columns,
        hashKey,
        target,
      },
    );
    expect(unload).toMatch(
      /^UNLOAD \('SELECT "way_id" AS "way_id" FROM "pm_internal"\."traffic" WHERE "obs_time" >= CAST\(''2026-01-01 00:00:00\.000\+00'' AS TIMESTAMPTZ\) AND "obs_time" < CAST\(''2026-01-02 00:00:00\.000\+00'' AS TIMESTAMPTZ\)'\) TO 's3:\/\/exports-bucket\/_staging\/r1\/traffic\/attempt-1\/traffic_' IAM_ROLE 'arn:aws:iam::123456789012:role\/data-exporter-unload' FORMAT AS PARQUET MANIFEST VERBOSE MAXFILESIZE 256 MB EXTENSION 'parquet' PARALLEL OFF$/,
    );
    expect(count).toBe(
      `SELECT count(*) AS row_count FROM "pm_internal"."traffic" WHERE "obs_time" >= CAST('2026-01-01 00:00:00.000+00' AS TIMESTAMPTZ) AND "obs_time" < CAST('2026-01-02 00:00:00.000+00' AS TIMESTAMPTZ)`,
    );
    expect(
      renderRedshiftUnload(unloadCommand(), {
        columns,
        hashKey,
        target: { ...target, parallel: true, maxFileBytes: 1 },
      }).unload,
    ).toMatch(/MAXFILESIZE 5 MB EXTENSION 'parquet' PARALLEL ON$/);
  });

  it("renders treatments in SQL both Redshift and PostgreSQL accept, with no key material", () => {
    const { select, outer, secrets, unload } = renderRedshiftUnload(
      unloadCommand({
        rowFilter: {
          sourceColumn: "source",
          allowedSources: ["FUSION"],
          unrestrictedSources: ["FUSION"],
          metricColumn: null,
          allowedMetrics: [],
        },
        columns: [
          { name: "way_id", treatment: "KEYED_HASH", roundDigits: null },
          { name: "speed", treatment: "ROUND", roundDigits: 1 },
          { name: "obs_time", treatment: "TRUNCATE_TO_HOUR", roundDigits: null },
          { name: "label", treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE", roundDigits: null },
        ],
      }),
      { columns, hashKey, target },
    );
    expect(select).toContain(`CAST("way_id" AS VARCHAR(65535)) AS "way_id"`);
    expect(select).toContain(`CAST(round(CAST("speed" AS numeric), 1) AS numeric(38, 1)) AS "speed"`);
    expect(select).toContain(`date_trunc('hour', "obs_time") AS "obs_time"`);
    expect(select).toContain(
      `CAST(CASE WHEN CAST("source" AS VARCHAR(65535)) IN ('FUSION') THEN "label" END AS character varying(65535)) AS "label"`,
    );
    expect(select).not.toMatch(/E'|COLLATE/);
    for (const secret of secrets) {
      expect(outer).toContain(secret);
      expect(unload).not.toContain(secret);
    }
    expect(unload).not.toContain(hashKey);
  });

  it("refuses a target that could break out of its literal, and an IAM role that is not one", () => {
    const cmd = unloadCommand();
    expect(() =>
      renderRedshiftUnload(cmd, { columns, hashKey, target: { ...target, s3Prefix: "s3://b-1/x' IAM_ROLE 'y" } }),
    ).toThrow(/invalid UNLOAD target/);
    expect(() => renderRedshiftUnload(cmd, { columns, hashKey, target: { ...target, iamRole: "default" } })).toThrow(
      /IAM_ROLE/,
    );
  });

  it("keeps hostile source and metric values intact through both levels of quoting (property)", () => {
    const value = fc
      .string({ unit: "binary", minLength: 1, maxLength: 40 })
      // What command validation admits: no control characters.
      .filter((s) => [...s].every((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (sources) => {
        const command = unloadCommand({
          rowFilter: {
            sourceColumn: "source",
            allowedSources: sources,
            unrestrictedSources: [],
            metricColumn: null,
            allowedMetrics: [],
          },
          columns: [{ name: "way_id", treatment: "AS_IS", roundDigits: null }],
        });
        const { unload, select } = renderRedshiftUnload(command, { columns, hashKey, target });
        // Level 1: the UNLOAD's quoted query is exactly the select.
        const quoted = readLiteral(unload, "UNLOAD (".length);
        expect(quoted.value).toBe(select);
        expect(unload.slice(quoted.end, quoted.end + 5)).toBe(") TO ");
        // Level 2: the IN list of the select holds exactly the values, in order.
        const inList = select.indexOf(`AS VARCHAR(65535)) IN (`) + `AS VARCHAR(65535)) IN (`.length;
        const read: string[] = [];
        let at = inList;
        for (;;) {
          const literal = readLiteral(select, at);
          read.push(literal.value);
          if (select.startsWith(", ", literal.end)) at = literal.end + 2;
          else {
            expect(select[literal.end]).toBe(")");
            break;
          }
        }
        expect(read).toEqual(sources);
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});

describe("Redshift literals", () => {
  it("double quotes and backslashes, and refuse NUL", () => {
    expect(redshiftLiteral(`it's \\ x`)).toBe(`'it''s \\\\ x'`);
    expect(() => redshiftLiteral("a\u0000b")).toThrow(RangeError);
  });

  it("write window bounds as exact ISO instants", () => {
    expect(redshiftTimestamp(Date.UTC(2024, 3, 6, 13, 0, 0, 123))).toBe(
      `CAST('2024-04-06 13:00:00.123+00' AS TIMESTAMPTZ)`,
    );
  });
});
