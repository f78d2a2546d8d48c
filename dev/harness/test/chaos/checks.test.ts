import { describe, expect, it } from "@jest/globals";
import {
  checkRun,
  type ObservedRequest,
  type ObservedTable,
  type RunObservation,
  type Violation,
} from "../../chaos/checks.js";
import { digestRows } from "../../chaos/digest.js";

/**
 * A run that went right, built from small parts; each test breaks one thing and expects exactly the violation that
 * names it.
 */
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const rows = ["1|a", "2|b", "3|c"];

function table(requestId: string, name: string, overrides: Partial<ObservedTable> = {}): ObservedTable {
  const prefix = `test/${requestId.slice(0, 8)}/${name}/`;
  const file = { key: `${prefix}${name}_000.parquet`, rows: 3, bytes: 100, sha256: "f".repeat(64) };
  return {
    table: name,
    status: "COMPLETED",
    errorKind: null,
    error: null,
    outputPrefix: prefix,
    rows: 3,
    files: [file],
    manifestKey: `${prefix}manifest`,
    manifest: { requestId, files: [file], totalRows: 3 },
    downloaded: [{ key: file.key, sha256: file.sha256, rows: 3, columns: ["id", "v"] }],
    content: digestRows(rows),
    expected: { kind: "rows", columns: ["id", "v"], digest: digestRows([...rows].reverse()) },
    ...overrides,
  };
}

function request(requestId: string, exportId: string, tables: ObservedTable[], mode = "ON_DEMAND"): ObservedRequest {
  return {
    requestId,
    exportId,
    status: "Completed",
    tracked: {
      mode,
      exportDate: mode === "SCHEDULED" ? "2024-04-07" : null,
      status: "COMPLETED",
      windowStart: 0,
      windowEnd: 3_600_000,
      planned: true,
      skipped: [],
    },
    tables,
  };
}

function good(): RunObservation {
  const requests = [
    request(A, "e01", [table(A, "way"), table(A, "cctv")]),
    request(B, "e02", [table(B, "way")], "SCHEDULED"),
  ];
  return {
    submissions: [
      {
        export: { id: "e01", kind: "on-demand", startTime: 0, endTime: 3600, submitAtMs: 0 },
        requestIds: [A],
        attempts: 1,
        errors: [],
        accepted: true,
      },
      {
        export: { id: "e02", kind: "scheduled", exportDate: "2024-04-07", submitAtMs: 0 },
        requestIds: [B],
        attempts: 1,
        errors: [],
        accepted: true,
      },
    ],
    requests,
    objects: requests.flatMap((r) =>
      r.tables.flatMap((t) => [t.manifestKey ?? "", ...t.files.map((f) => f.key)].map((key) => ({ key, size: 1 }))),
    ),
    completedEvents: [
      { requestId: A, status: "SUCCESS" },
      { requestId: B, status: "SUCCESS" },
    ],
    notifications: [
      { requestId: A, status: "SUCCESS" },
      { requestId: B, status: "SUCCESS" },
    ],
    deadLetters: [],
    settle: { settled: true, pending: [] },
  };
}

/** The observation with request `id`'s table `name` replaced. */
function withTable(
  observation: RunObservation,
  id: string,
  name: string,
  change: (t: ObservedTable) => ObservedTable,
): RunObservation {
  return {
    ...observation,
    requests: observation.requests.map((r) =>
      r.requestId === id ? { ...r, tables: r.tables.map((t) => (t.table === name ? change(t) : t)) } : r,
    ),
  };
}

/** Request `id` finished as `status`, announced so on the topic and on SNS. */
function finishedAs(observation: RunObservation, id: string, status: "Partially Completed" | "Failed"): RunObservation {
  const [tracked, event] = status === "Failed" ? ["FAILED", "FAILED"] : ["PARTIAL-SUCCESS", "PARTIAL_SUCCESS"];
  const announce = <T extends { requestId: string; status: string }>(items: readonly T[], said: string): T[] =>
    items.map((item) => (item.requestId === id ? { ...item, status: said } : item));
  return {
    ...observation,
    requests: observation.requests.map((r) =>
      r.requestId === id ? { ...r, status, tracked: { ...r.tracked!, status: tracked } } : r,
    ),
    completedEvents: announce(observation.completedEvents, event),
    notifications: announce(observation.notifications, event.replace("_", "-")),
  };
}

const kinds = (violations: Violation[]): string[] => violations.map((v) => v.kind);

describe("checkRun", () => {
  it("finds nothing wrong with a run that went right (rows compared whatever their order)", () => {
    expect(checkRun(good())).toEqual([]);
  });

  it("reports a request that never finished, and one accepted but never tracked", () => {
    const observation = good();
    const violations = checkRun({
      ...observation,
      requests: [
        {
          ...observation.requests[0]!,
          status: "In Progress",
          tracked: { ...observation.requests[0]!.tracked!, status: "IN-PROGRESS" },
        },
        { requestId: B, status: "Request has not been requested", tables: [] },
      ],
      objects: observation.objects.filter((o) => o.key.includes(A.slice(0, 8))),
      completedEvents: [],
      notifications: [],
    });
    expect(kinds(violations)).toEqual(["date-not-exported", "not-terminal", "lost-request"]);
    expect(violations[1]?.message).toContain("In Progress");
  });

  it("accepts a FAILED table with its reason, and reports one without", () => {
    const failed = (t: ObservedTable): ObservedTable => ({
      ...t,
      status: "FAILED",
      errorKind: "TIMEOUT",
      error: "stuck: …",
      files: [],
      manifestKey: null,
    });
    const base = finishedAs(withTable(good(), A, "cctv", failed), A, "Partially Completed");
    const partial: RunObservation = { ...base, objects: base.objects.filter((o) => !o.key.includes("/cctv/")) };
    expect(checkRun(partial)).toEqual([]);
    const unexplained = withTable(partial, A, "cctv", (t) => ({ ...t, error: null }));
    expect(kinds(checkRun(unexplained))).toEqual(["unexplained-failure"]);
  });

  it("reports an object no COMPLETED table's manifest lists: a FAILED table's leftovers, or a stale file", () => {
    const observation = finishedAs(
      withTable(good(), A, "cctv", (t) => ({ ...t, status: "FAILED", errorKind: "TIMEOUT", error: "stuck" })),
      A,
      "Partially Completed",
    );
    const violations = checkRun(observation);
    expect(kinds(violations)).toEqual(["orphan-object"]);
    expect(violations[0]).toMatchObject({ requestId: A, table: "cctv" });
    expect(violations[0]?.message).toMatch(/^2 object\(s\) no COMPLETED table's manifest lists, in .*cctv \(FAILED\)/);
    expect(violations[0]?.message).toContain("cctv_000.parquet");

    const stale = checkRun({
      ...good(),
      objects: [...good().objects, { key: `test/${A.slice(0, 8)}/way/way_001.parquet`, size: 1 }],
    });
    expect(kinds(stale)).toEqual(["orphan-object"]);
    expect(stale[0]?.message).toContain("way (COMPLETED)");
    const stray = checkRun({ ...good(), objects: [...good().objects, { key: "elsewhere/x", size: 1 }] });
    expect(stray[0]?.message).toContain("no export's prefix");
  });

  it("reports a listed file missing from the bucket, and a key two tables claim", () => {
    const observation = good();
    const missing = checkRun({ ...observation, objects: observation.objects.slice(1) });
    expect(kinds(missing)).toEqual(["missing-object"]);
    const shared = withTable(observation, B, "way", () =>
      table(A, "way", { manifest: { requestId: B, files: table(A, "way").files, totalRows: 3 } }),
    );
    // B's own files, no longer listed by anyone, are orphans as well.
    expect(kinds(checkRun(shared))).toEqual(["shared-key", "shared-key", "orphan-object"]);
  });

  it("reports a manifest another request wrote, one that disagrees with the read model, and an unreadable one", () => {
    const foreign = withTable(good(), A, "way", (t) => ({
      ...t,
      manifest: { requestId: B, files: t.files, totalRows: 3 },
    }));
    expect(kinds(checkRun(foreign))).toEqual(["manifest-foreign"]);
    const mismatch = withTable(good(), A, "way", (t) => ({
      ...t,
      manifest: { requestId: A, files: [{ ...t.files[0]!, sha256: "0".repeat(64) }], totalRows: 3 },
    }));
    expect(kinds(checkRun(mismatch))).toEqual(["manifest-mismatch"]);
    const unreadable = withTable(good(), A, "way", (t) => ({ ...t, manifest: { error: "NoSuchKey" } }));
    expect(kinds(checkRun(unreadable))).toEqual(["manifest-unreadable"]);
  });

  it("reports a file whose bytes are not what requestStatus says, with or without its manifest", () => {
    // A superseded run that deleted the manifest and overwrote a file: both show.
    const overwritten = withTable(good(), A, "way", (t) => ({
      ...t,
      manifest: { error: "object does not exist" },
      downloaded: [{ ...t.downloaded![0]!, sha256: "0".repeat(64) }],
    }));
    const violations = checkRun(overwritten);
    expect(kinds(violations)).toEqual(["manifest-unreadable", "file-corrupt"]);
    expect(violations[1]?.message).toMatch(/SHA-256 0{16}…; requestStatus says 3 rows, f{16}…$/);
    const unreadable = withTable(good(), A, "way", (t) => ({
      ...t,
      downloaded: [{ key: t.files[0]!.key, error: "GET of its presigned link answered 404" }],
    }));
    expect(kinds(checkRun(unreadable))).toEqual(["file-corrupt"]);
  });

  it("reports files whose rows are not the window's: a duplicate, a missing row, other columns", () => {
    const duplicated = withTable(good(), A, "way", (t) => ({ ...t, content: digestRows([...rows, "2|b"]) }));
    const [violation] = checkRun(duplicated);
    expect(violation?.kind).toBe("content-mismatch");
    expect(violation?.message).toMatch(/^4 rows .* expected 3 .*: 0 missing, 1 unexpected; unexpected e\.g\. 2\|b$/);
    const lost = withTable(good(), A, "way", (t) => ({ ...t, content: digestRows(rows.slice(1)), rows: 2 }));
    expect(checkRun(lost)[0]?.message).toContain("1 missing, 0 unexpected; missing e.g. 1|a");
    const columns = withTable(good(), A, "way", (t) => ({
      ...t,
      downloaded: [{ ...t.downloaded![0]!, columns: ["id", "v", "secret"] }],
    }));
    expect(checkRun(columns)[0]?.message).toBe("columns [id, v, secret], expected [id, v]");
    const counted = withTable(good(), A, "way", (t) => ({ ...t, rows: 4 }));
    expect(kinds(checkRun(counted))).toEqual(["content-mismatch"]);
  });

  it("checks the rule snapshot's files by row count", () => {
    const snapshot = (t: ObservedTable): ObservedTable => ({
      ...t,
      expected: { kind: "files", rowsByFile: { "way_000.parquet": 3 } },
    });
    expect(checkRun(withTable(good(), A, "way", snapshot))).toEqual([]);
    const short = withTable(good(), A, "way", (t) => ({
      ...snapshot(t),
      expected: { kind: "files", rowsByFile: { "way_000.parquet": 4 } },
    }));
    expect(kinds(checkRun(short))).toEqual(["content-mismatch"]);
  });

  it("wants exactly one ExportCompleted and one SNS message per export, saying what requestStatus says", () => {
    const observation = good();
    const twice = checkRun({
      ...observation,
      completedEvents: [...observation.completedEvents, { requestId: A, status: "SUCCESS" }],
    });
    expect(twice).toEqual([
      {
        kind: "completed-events",
        requestId: A,
        exportId: "e01",
        message: "2 ExportCompleted events (SUCCESS, SUCCESS), expected 1",
      },
    ]);
    const none = checkRun({ ...observation, notifications: observation.notifications.slice(1) });
    expect(kinds(none)).toEqual(["notifications"]);
    const wrong = checkRun({
      ...observation,
      notifications: [{ requestId: A, status: "FAILED" }, observation.notifications[1]!],
    });
    expect(kinds(wrong)).toEqual(["notification-status"]);
    const stranger = checkRun({
      ...observation,
      completedEvents: [...observation.completedEvents, { requestId: "x", status: "SUCCESS" }],
    });
    expect(kinds(stranger)).toEqual(["completed-events"]);
  });

  it("reports a date two requests exported, a refused submission, a dead letter and a run that never went quiet", () => {
    const observation = good();
    const second = {
      ...observation.requests[1]!,
      requestId: "cccccccc-0000-4000-8000-000000000003",
      tables: [] as ObservedTable[],
    };
    const twice = checkRun({
      ...observation,
      requests: [
        ...observation.requests,
        {
          ...second,
          status: "Failed",
          tracked: { ...second.tracked!, status: "FAILED", skipped: [{ table: "(request)", reason: "deadline" }] },
        },
      ],
      completedEvents: [...observation.completedEvents, { requestId: second.requestId, status: "FAILED" }],
      notifications: [...observation.notifications, { requestId: second.requestId, status: "FAILED" }],
    });
    expect(kinds(twice)).toEqual(["date-exported-twice"]);
    const refused = checkRun({
      ...observation,
      submissions: [
        { ...observation.submissions[0]!, accepted: false, errors: ["attempt 1: ECONNREFUSED"] },
        observation.submissions[1]!,
      ],
    });
    expect(kinds(refused)).toEqual(["submission-refused"]);
    expect(kinds(checkRun({ ...observation, deadLetters: [{ topic: "t", error: "handler-failed" }] }))).toEqual([
      "dead-lettered",
    ]);
    expect(kinds(checkRun({ ...observation, settle: { settled: false, pending: ["unloader#0 busy"] } }))).toEqual([
      "not-settled",
    ]);
  });

  it("reports a finished status that does not match its tables", () => {
    const observation = good();
    const failedButComplete = checkRun(finishedAs(observation, A, "Failed"));
    expect(kinds(failedButComplete)).toEqual(["status-inconsistent"]);
  });
});
