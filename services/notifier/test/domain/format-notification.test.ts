import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted } from "@data-exporter/contracts";
import { formatNotification } from "../../src/domain/format-notification.js";

const event: ExportCompleted = {
  requestId: "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e",
  mode: "SCHEDULED",
  exportDate: "2026-11-25",
  windowStart: Date.UTC(2026, 10, 24, 13),
  windowEnd: Date.UTC(2026, 10, 25, 13),
  status: "PARTIAL_SUCCESS",
  bucket: "exports",
  completedAt: Date.UTC(2026, 10, 25, 14),
  run: 0,
  cancelled: false,
  cancelledBy: null,
  tables: [
    {
      table: "way",
      status: "COMPLETED",
      rows: 10,
      bytes: 100,
      s3Prefix: "s3://exports/dev/2026/11/25/way/",
      fileCount: 1,
      error: null,
      cancelled: false,
    },
    {
      table: "traffic_observation",
      status: "FAILED",
      rows: 0,
      bytes: 0,
      s3Prefix: "s3://exports/dev/2026/11/25/traffic_observation/",
      fileCount: 0,
      error: "relation does not exist",
      cancelled: false,
    },
  ],
};

describe("formatNotification", () => {
  it("says PARTIAL-SUCCESS and names the failed table", () => {
    const notification = formatNotification(event);
    expect(notification.subject).toBe(
      "data-exporter scheduled export 2026-11-25: PARTIAL-SUCCESS (1 of 2 tables failed)",
    );
    expect(notification.message).toContain("Failed tables: traffic_observation");
    expect(notification.message).toContain("error: relation does not exist");
    expect(notification.attributes).toEqual({
      status: "PARTIAL-SUCCESS",
      mode: "SCHEDULED",
      exportDate: "2026-11-25",
      requestId: event.requestId,
    });
  });

  it("says CANCELLED, who cancelled, and which tables stopped", () => {
    const [completed, stopped] = event.tables;
    const cancelled: ExportCompleted = {
      ...event,
      cancelled: true,
      cancelledBy: "alice",
      tables: [completed!, { ...stopped!, error: "cancelled by alice", cancelled: true }],
    };
    const notification = formatNotification(cancelled);
    expect(notification.subject).toBe("data-exporter scheduled export 2026-11-25: CANCELLED (1 of 2 tables cancelled)");
    expect(notification.message).toContain("Cancelled by: alice");
    expect(notification.message).toContain("- traffic_observation: CANCELLED, 0 rows");
    expect(notification.message).toContain("Cancelled tables: traffic_observation");
    expect(notification.message).not.toContain("Failed tables");
    expect(notification.attributes.status).toBe("CANCELLED");
  });

  it("keeps the subject within SNS's 100 characters", () => {
    const long = { ...event, exportDate: "x".repeat(200) };
    expect(formatNotification(long).subject.length).toBeLessThanOrEqual(100);
  });

  it("summarises a successful on-demand export", () => {
    const ok = formatNotification({
      ...event,
      mode: "ON_DEMAND",
      exportDate: null,
      status: "SUCCESS",
      tables: event.tables.slice(0, 1),
    });
    expect(ok.subject).toBe("data-exporter on-demand export: SUCCESS (1 tables)");
    expect(ok.attributes.exportDate).toBe("");
  });
});
