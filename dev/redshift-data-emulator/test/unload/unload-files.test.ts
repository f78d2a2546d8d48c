import { describe, expect, it } from "@jest/globals";
import { buildManifest, dataFileKey, manifestKey, manifestType } from "../../src/unload/unload-files.js";

describe("file names", () => {
  it("are Redshift's: slice and part with PARALLEL ON, a serial number with PARALLEL OFF", () => {
    expect([0, 1, 12].map((i) => dataFileKey("dir/t_", i, true, ".parquet"))).toEqual([
      "dir/t_0000_part_00.parquet",
      "dir/t_0000_part_01.parquet",
      "dir/t_0000_part_12.parquet",
    ]);
    expect([0, 1, 1000].map((i) => dataFileKey("t/", i, false, ".pq"))).toEqual(["t/000.pq", "t/001.pq", "t/1000.pq"]);
    expect(manifestKey("dir/t_")).toBe("dir/t_manifest");
  });
});

describe("manifestType", () => {
  it("gives CHAR/VARCHAR their length and NUMERIC its precision and scale", () => {
    expect(manifestType("character varying(20)")).toEqual({ base: "character varying", max_length: 20 });
    expect(manifestType("character(3)")).toEqual({ base: "character", max_length: 3 });
    expect(manifestType("numeric(10,2)")).toEqual({ base: "numeric", precision: 10, scale: 2 });
    expect(manifestType("integer")).toEqual({ base: "integer" });
    expect(manifestType("timestamp(3) without time zone")).toEqual({ base: "timestamp without time zone" });
  });

  it("reports PostgreSQL's unbounded text as Redshift's widest VARCHAR", () => {
    expect(manifestType("text")).toEqual({ base: "character varying", max_length: 65535 });
    expect(manifestType("character varying")).toEqual({ base: "character varying", max_length: 65535 });
  });
});

describe("buildManifest", () => {
  const files = [
    { key: "p/0000_part_00.parquet", bytes: 100, rows: 3 },
    { key: "p/0000_part_01.parquet", bytes: 50, rows: 1 },
  ];
  const columns = [
    { name: "id", formatType: "bigint" },
    { name: "name", formatType: "character varying(8)" },
  ];

  it("lists each file's url and size (MANIFEST)", () => {
    expect(JSON.parse(buildManifest({ bucket: "b", files, verbose: false, columns }))).toEqual({
      entries: [
        { url: "s3://b/p/0000_part_00.parquet", meta: { content_length: 100 } },
        { url: "s3://b/p/0000_part_01.parquet", meta: { content_length: 50 } },
      ],
    });
  });

  it("adds record counts, the schema, totals and the author (MANIFEST VERBOSE)", () => {
    expect(JSON.parse(buildManifest({ bucket: "b", files, verbose: true, columns }))).toEqual({
      entries: [
        { url: "s3://b/p/0000_part_00.parquet", meta: { content_length: 100, record_count: 3 } },
        { url: "s3://b/p/0000_part_01.parquet", meta: { content_length: 50, record_count: 1 } },
      ],
      schema: {
        elements: [
          { name: "id", type: { base: "bigint" } },
          { name: "name", type: { base: "character varying", max_length: 8 } },
        ],
      },
      meta: { content_length: 150, record_count: 4 },
      author: { name: "Amazon Redshift", version: "1.0.0" },
    });
  });

  it("lists no entry for an empty result", () => {
    const manifest = JSON.parse(buildManifest({ bucket: "b", files: [], verbose: true, columns })) as { meta: unknown };
    expect(manifest.meta).toEqual({
      content_length: 0,
      record_count: 0,
    });
  });
});
