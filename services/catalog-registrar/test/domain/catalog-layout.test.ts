import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted } from "@data-exporter/contracts";
import {
  defaultDatabaseName,
  locationOf,
  parseS3Prefix,
  tableSpecOf,
  targetsOf,
} from "../../src/domain/catalog-layout.js";

const requestId = "0b0e7a52-6d1f-4c53-9d0c-1c2b3a4d5e6f";
const outcome = (table: string, status: "COMPLETED" | "FAILED", s3Prefix: string) => ({
  table,
  status,
  rows: 10,
  bytes: 100,
  s3Prefix,
  fileCount: 1,
  error: null,
  cancelled: false,
});
const scheduled: ExportCompleted = {
  requestId,
  mode: "SCHEDULED",
  exportDate: "2024-04-07",
  windowStart: Date.parse("2024-04-06T13:00:00Z"),
  windowEnd: Date.parse("2024-04-07T14:00:00Z"),
  status: "PARTIAL_SUCCESS",
  tables: [
    outcome("way", "COMPLETED", "s3://exports/prod/2024/04/07/way/"),
    outcome("cctv", "FAILED", "s3://exports/prod/2024/04/07/cctv/"),
  ],
  bucket: "exports",
  completedAt: Date.parse("2024-04-07T15:00:00Z"),
  run: 1,
  cancelled: false,
  cancelledBy: null,
};
const onDemand: ExportCompleted = {
  ...scheduled,
  mode: "ON_DEMAND",
  exportDate: null,
  tables: [
    outcome(
      "Way",
      "COMPLETED",
      "s3://exports/prod/data_exporter_service/Way/20240406/20240406T130000Z_20240407T140000Z/",
    ),
  ],
};

describe("targetsOf", () => {
  it("registers each COMPLETED table of a scheduled export as its export_date partition, at its own folder", () => {
    const targets = targetsOf(scheduled, { onDemand: false });
    expect(targets).toHaveLength(1);
    const [way] = targets;
    expect(way).toMatchObject({
      table: "way",
      catalogTable: "way",
      partitionKey: { name: "export_date", type: "date" },
      partitionValue: "2024-04-07",
      bucket: "exports",
      prefix: "prod/2024/04/07/way/",
      parameters: { de_request_id: requestId, de_run: "1", rows: "10", files: "1" },
    });
    expect(locationOf(way!)).toBe("s3://exports/prod/2024/04/07/way/");
    expect(tableSpecOf(way!, []).location).toBe("s3://exports/prod/");
  });

  it("registers on-demand exports only when asked, in <table>_on_demand partitioned by request_id", () => {
    expect(targetsOf(onDemand, { onDemand: false })).toEqual([]);
    const [target] = targetsOf(onDemand, { onDemand: true });
    expect(target).toMatchObject({
      catalogTable: "way_on_demand",
      partitionKey: { name: "request_id", type: "string" },
      partitionValue: requestId,
    });
    expect(tableSpecOf(target!, []).location).toBe("s3://exports/prod/data_exporter_service/Way/");
  });
});

describe("names and prefixes", () => {
  it("derives the database from the export environment", () => {
    expect(defaultDatabaseName("pre-prod")).toBe("data_exporter_pre_prod");
  });

  it("reads s3:// prefixes and bare key prefixes", () => {
    expect(parseS3Prefix("s3://b/x/y", "other")).toEqual({ bucket: "b", prefix: "x/y/" });
    expect(parseS3Prefix("x/y/", "other")).toEqual({ bucket: "other", prefix: "x/y/" });
  });
});
