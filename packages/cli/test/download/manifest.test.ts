import { describe, expect, it } from "@jest/globals";
import { localName, manifestChecksums, mismatchOf } from "../../src/download/manifest.js";

const a = "a".repeat(64);
const b = "b".repeat(64);

describe("download verification", () => {
  it("reads each file's SHA-256 from a manifest, by key", () => {
    const checksums = manifestChecksums(
      { files: [{ key: "p/way_000.parquet", sha256: a.toUpperCase(), rows: 1 }] },
      "way",
    );
    expect(checksums).toEqual(new Map([["p/way_000.parquet", a]]));
    expect(() => manifestChecksums({}, "way")).toThrow(/lists no files/);
    expect(() => manifestChecksums({ files: [{ key: "k" }] }, "way")).toThrow(/without key or sha256/);
  });

  it("accepts a file only when status, manifest and bytes agree", () => {
    const check = { key: "k", statusSha256: a, manifestSha256: a, actualSha256: a };
    expect(mismatchOf(check)).toBeUndefined();
    expect(mismatchOf({ ...check, actualSha256: b })).toMatch(/downloaded bytes have sha256 b+, the manifest says a+/);
    expect(mismatchOf({ ...check, statusSha256: b })).toMatch(/the manifest says sha256 a+, the status b+/);
    expect(mismatchOf({ ...check, manifestSha256: undefined })).toMatch(/not in its table's manifest/);
  });

  it("writes <table>/<file name> and refuses names that would leave the directory", () => {
    expect(localName("way", "dev/2024/04/06/way/way_000.parquet")).toBe("way/way_000.parquet");
    expect(() => localName("../etc", "x.parquet")).toThrow(/refusing/);
    expect(() => localName("way", "dev/way/..")).toThrow(/refusing/);
    expect(() => localName("way", "dev/way/")).toThrow(/refusing/);
  });
});
