import { describe, expect, it } from "@jest/globals";
import { rebuildOutput, rebuildReport } from "../../src/cli/rebuild-output.js";
import type { RebuildSummary } from "../../src/handlers/rebuild-read-model.js";

const summary: RebuildSummary = {
  topics: [
    { topic: "exportCompleted", partitions: 3, records: 2, events: 2, skipped: 0 },
    { topic: "exportRequested", partitions: 3, records: 4, events: 3, skipped: 1 },
    { topic: "dailyExportTriggered", partitions: 1, records: 1, events: 1, skipped: 0 },
    { topic: "exportLifecycle", partitions: 3, records: 20, events: 20, skipped: 0 },
  ],
  announced: 2,
  unannounced: ["r9"],
};
const counts = { requests: { COMPLETED: 2, FAILED: 1, REQUESTED: 1 }, jobs: 7 };
const names = (topic: string) => `t.${topic}`;

describe("rebuildReport", () => {
  it("says what was read per topic, what was rebuilt, and that it equals the live model", () => {
    const output = rebuildOutput("de_new", summary, names, counts, {
      with: "de_internal",
      rows: { request_table: 4, table_export_job_statuses: 7 },
      differences: [],
      announcementLagMs: { compared: 2, min: 1, max: 4 },
    });
    expect(output.comparison?.equal).toBe(true);
    expect(rebuildReport(output)).toEqual([
      "rebuilt the read model into schema de_new from:",
      "  t.exportCompleted         3 partitions         2 events",
      "  t.exportRequested         3 partitions         3 events, 1 record skipped (not events; dead-lettered live)",
      "  t.dailyExportTriggered    1 partition          1 event",
      "  t.exportLifecycle         3 partitions        20 events",
      "4 requests (COMPLETED 2, FAILED 1, REQUESTED 1), 7 table jobs",
      "2 finished exports announced (completion_published_at from its first ExportCompleted record); 1 finished but never announced, left so for a tracker to announce: r9",
      "compared with de_internal: 4 requests and 7 table jobs, no difference (completion_published_at of 2: the rebuilt value 1 to 4 ms before the live one)",
    ]);
  });

  it("lists each difference", () => {
    const output = rebuildOutput("de_new", summary, names, counts, {
      with: "de_internal",
      rows: { request_table: 4, table_export_job_statuses: 7 },
      differences: [
        { table: "request_table", key: "r1", kind: "missing" },
        { table: "table_export_job_statuses", key: "r2/way", kind: "column", column: "attempts", live: 1, rebuilt: 2 },
      ],
      announcementLagMs: { compared: 0, min: null, max: null },
    });
    expect(output.comparison?.equal).toBe(false);
    expect(rebuildReport(output).slice(-3)).toEqual([
      "compared with de_internal: 2 differences in 4 requests and 7 table jobs",
      "  request_table r1: only in the live model",
      "  table_export_job_statuses r2/way: attempts live 1, rebuilt 2",
    ]);
  });
});
