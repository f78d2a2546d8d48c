import { describe, expect, it } from "@jest/globals";
import { presignRefusal } from "../src/presign-scope.js";

const scope = { bucket: "exports", prefix: "prod/" };

describe("presignRefusal", () => {
  it("allows an object of the export bucket under the deployment's prefix", () => {
    expect(presignRefusal(scope, "exports", "prod/2024/04/06/way/way_000.parquet")).toBeUndefined();
    expect(
      presignRefusal(scope, "exports", "prod/data_exporter_service/way/20240406/a_b/manifest.json"),
    ).toBeUndefined();
  });

  it.each([
    ["another bucket", "payroll", "prod/2024/04/06/way/way_000.parquet", /not the export bucket/],
    ["a key outside the prefix", "exports", "staging/2024/04/06/way/way_000.parquet", /not under the export prefix/],
    ["a key that only starts like the prefix", "exports", "production/x.parquet", /not under the export prefix/],
    ["the prefix itself", "exports", "prod/", /not under the export prefix/],
    ["a parent segment", "exports", "prod/../secrets/dump.csv", /relative path segment/],
    ["a current segment", "exports", "prod/./x.parquet", /relative path segment/],
    ["an empty segment", "exports", "prod//x.parquet", /empty path segment/],
    ["a control character", "exports", "prod/x\n.parquet", /control character/],
    ["a backslash", "exports", "prod/..\\secrets", /backslash/],
  ])("refuses %s", (_, bucket, key, reason) => {
    expect(presignRefusal(scope, bucket, key)).toMatch(reason);
  });
});
