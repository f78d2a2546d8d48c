/**
 * The campaign's assertions over what a run left behind (observe.ts reads it): every request terminal, each
 * COMPLETED table's files exactly the warehouse rows of its window, no object under the bucket that no COMPLETED
 * table's manifest lists, one ExportCompleted and one SNS message per export. Pure: observations in, violations out.
 */
import { rowDifference, type DigestedRows } from "./digest.js";
import type { PlannedExport } from "./plan.js";

export interface ExportedFile {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** A manifest as read from the bucket, or why it could not be. */
export type ObservedManifest =
  | { readonly requestId: string; readonly files: readonly ExportedFile[]; readonly totalRows: number }
  | { readonly error: string };

/** A data file downloaded through its presigned link: what it really holds. */
export interface DownloadedFile {
  readonly key: string;
  /** Of the bytes downloaded. */
  readonly sha256?: string;
  readonly rows?: number;
  readonly columns?: readonly string[];
  readonly error?: string;
}

/** What a table's export must hold: the oracle's rows (warehouse tables), or rows per file (the rule snapshot). */
export type ExpectedContent =
  | { readonly kind: "rows"; readonly columns: readonly string[]; readonly digest: DigestedRows }
  | { readonly kind: "files"; readonly rowsByFile: Readonly<Record<string, number>> };

export interface ObservedTable {
  readonly table: string;
  /** The read model's job status: PENDING, IN-PROGRESS, COMPLETED or FAILED. */
  readonly status: string;
  readonly errorKind: string | null;
  readonly error: string | null;
  readonly outputPrefix: string;
  readonly rows: number | null;
  readonly files: readonly ExportedFile[];
  readonly manifestKey: string | null;
  /** Read for COMPLETED tables only. */
  readonly manifest?: ObservedManifest;
  readonly downloaded?: readonly DownloadedFile[];
  /** The rows of every downloaded file together, digested; undefined when a file could not be read. */
  readonly content?: DigestedRows;
  readonly expected?: ExpectedContent;
}

export interface ObservedRequest {
  readonly requestId: string;
  /** The planned export it belongs to (by request id, date or window start); undefined for a stranger. */
  readonly exportId?: string;
  /** requestStatus through request-api: "Completed", "In Progress", …; undefined if it could not answer. */
  readonly status?: string;
  readonly statusError?: string;
  /** The read model's request_table row, if the status tracker recorded the request. */
  readonly tracked?: {
    readonly mode: string;
    readonly exportDate: string | null;
    readonly status: string;
    readonly windowStart: number;
    readonly windowEnd: number;
    readonly planned: boolean;
    readonly skipped: readonly { readonly table: string; readonly reason: string }[];
  };
  readonly tables: readonly ObservedTable[];
}

export interface SubmissionRecord {
  readonly export: PlannedExport;
  /** Every request id a submission got back: the on-demand one accepted, or each trigger's. */
  readonly requestIds: readonly string[];
  readonly attempts: number;
  readonly errors: readonly string[];
  readonly accepted: boolean;
}

export interface RunObservation {
  readonly submissions: readonly SubmissionRecord[];
  readonly requests: readonly ObservedRequest[];
  /** Every object in the run's bucket. */
  readonly objects: readonly { readonly key: string; readonly size: number }[];
  /** Where each one sits (partition/offset) is for the report: a duplicate's position tells when it was sent. */
  readonly completedEvents: readonly { readonly requestId: string; readonly status: string; readonly at?: string }[];
  /** `at`: the SNS message's id and timestamp. */
  readonly notifications: readonly { readonly requestId: string; readonly status: string; readonly at?: string }[];
  readonly deadLetters: readonly { readonly topic: string; readonly error: string }[];
  /** Whether everything went quiet before the settle timeout, and what had not. */
  readonly settle: { readonly settled: boolean; readonly pending: readonly string[] };
}

export const violationKinds = [
  "run-failed",
  "not-settled",
  "not-terminal",
  "submission-refused",
  "lost-request",
  "date-not-exported",
  "date-exported-twice",
  "status-disagrees",
  "status-inconsistent",
  "unexplained-failure",
  "manifest-unreadable",
  "manifest-foreign",
  "manifest-mismatch",
  "file-corrupt",
  "content-mismatch",
  "orphan-object",
  "missing-object",
  "shared-key",
  "completed-events",
  "completed-status",
  "notifications",
  "notification-status",
  "dead-lettered",
] as const;
export type ViolationKind = (typeof violationKinds)[number];

export interface Violation {
  readonly kind: ViolationKind;
  readonly requestId?: string;
  readonly exportId?: string;
  readonly table?: string;
  readonly message: string;
}

const finishedStatuses = new Set(["Completed", "Failed", "Partially Completed"]);
/** ExportCompleted's status (SNS spells PARTIAL_SUCCESS as PARTIAL-SUCCESS) for a requestStatus status. */
const eventStatusOf: Record<string, string> = {
  Completed: "SUCCESS",
  Failed: "FAILED",
  "Partially Completed": "PARTIAL_SUCCESS",
};

export const isTerminal = (request: ObservedRequest): boolean =>
  request.status !== undefined && finishedStatuses.has(request.status);

/** Every violation of the run, in the order of the checks. */
export function checkRun(observation: RunObservation): Violation[] {
  return [
    ...checkSettled(observation),
    ...checkSubmissions(observation),
    ...observation.requests.flatMap(checkRequest),
    ...checkObjects(observation),
    ...checkAnnouncements(observation),
    ...observation.deadLetters.map((record): Violation => ({
      kind: "dead-lettered",
      message: `a record of ${record.topic} was dead-lettered: ${record.error}`,
    })),
  ];
}

function checkSettled(observation: RunObservation): Violation[] {
  if (observation.settle.settled) return [];
  return [
    {
      kind: "not-settled",
      message: `the run did not go quiet before the settle timeout: ${observation.settle.pending.slice(0, 8).join("; ")}`,
    },
  ];
}

function checkSubmissions(observation: RunObservation): Violation[] {
  const violations: Violation[] = [];
  for (const submission of observation.submissions) {
    const planned = submission.export;
    const exportId = planned.id;
    if (!submission.accepted) {
      violations.push({
        kind: "submission-refused",
        exportId,
        message: `${describeExport(planned)} was refused on all ${submission.attempts} attempts: ${submission.errors.slice(-3).join("; ")}`,
      });
    }
    if (planned.kind === "scheduled" && submission.requestIds.length > 0) {
      const owners = observation.requests.filter(
        (r) => r.tracked?.mode === "SCHEDULED" && r.tracked.exportDate === planned.exportDate,
      );
      if (owners.length === 0)
        violations.push({
          kind: "date-not-exported",
          exportId,
          message: `the trigger of ${planned.exportDate} published ${submission.requestIds.join(", ")}, but no request of that date was recorded`,
        });
      if (owners.length > 1)
        violations.push({
          kind: "date-exported-twice",
          exportId,
          message: `${planned.exportDate} was recorded by ${owners.length} requests (${owners.map((o) => o.requestId).join(", ")}): they write the same keys`,
        });
    }
  }
  return violations;
}

function checkRequest(request: ObservedRequest): Violation[] {
  const at = where(request);
  const violations: Violation[] = [];
  if (request.tracked === undefined) {
    return [
      {
        kind: "lost-request",
        ...at,
        message: `accepted (requestData returned it, or request-api recorded it) but never recorded by the status tracker; requestStatus says ${request.status ?? `nothing (${request.statusError ?? "no answer"})`}`,
      },
    ];
  }
  if (!isTerminal(request)) {
    const tables = request.tables.map((t) => `${t.table} ${t.status}`).join(", ") || "no tables";
    violations.push({
      kind: "not-terminal",
      ...at,
      message: `requestStatus says ${request.status ?? `nothing (${request.statusError ?? "no answer"})`}; read model ${request.tracked.status}; ${tables}`,
    });
    return violations;
  }
  if (!["COMPLETED", "FAILED", "PARTIAL-SUCCESS"].includes(request.tracked.status))
    violations.push({
      kind: "status-disagrees",
      ...at,
      message: `requestStatus says ${request.status} but the read model says ${request.tracked.status}`,
    });
  const completed = request.tables.filter((t) => t.status === "COMPLETED").length;
  const expectedStatus =
    request.tables.length > 0 && completed === request.tables.length
      ? "Completed"
      : completed === 0
        ? "Failed"
        : "Partially Completed";
  if (request.status !== expectedStatus)
    violations.push({
      kind: "status-inconsistent",
      ...at,
      message: `requestStatus says ${request.status} with ${completed} of ${request.tables.length} tables COMPLETED`,
    });
  if (request.tables.length === 0 && request.tracked.skipped.length === 0)
    violations.push({
      kind: "unexplained-failure",
      ...at,
      message: "the export planned no table and names no reason",
    });
  for (const table of request.tables) violations.push(...checkTable(table, at));
  return violations;
}

function checkTable(table: ObservedTable, request: { requestId: string; exportId?: string }): Violation[] {
  const at = { ...request, table: table.table };
  if (table.status === "FAILED") {
    if (!table.error || !table.errorKind)
      return [
        { kind: "unexplained-failure", ...at, message: `${table.table} FAILED without an error kind or message` },
      ];
    return [];
  }
  if (table.status !== "COMPLETED")
    return [{ kind: "not-terminal", ...at, message: `${table.table} is ${table.status} in a finished export` }];
  return [...checkManifest(table, at), ...checkFiles(table, at), ...checkContent(table, at)];
}

/** The manifest must exist, be the request's own, and list the files the read model (requestStatus) lists. */
function checkManifest(table: ObservedTable, at: { requestId: string; table: string }): Violation[] {
  const manifest = table.manifest;
  if (manifest === undefined || "error" in manifest)
    return [
      {
        kind: "manifest-unreadable",
        ...at,
        message: `${table.manifestKey ?? "(no manifest key)"}: ${manifest?.error ?? "not read"}`,
      },
    ];
  const violations: Violation[] = [];
  if (manifest.requestId !== at.requestId)
    violations.push({
      kind: "manifest-foreign",
      ...at,
      message: `the manifest ${table.manifestKey ?? ""} was written by request ${manifest.requestId}`,
    });
  const describe = (files: readonly ExportedFile[]): string =>
    files.map((f) => `${f.key}:${f.rows}:${f.sha256.slice(0, 12)}`).join(",");
  if (describe(manifest.files) !== describe(table.files))
    violations.push({
      kind: "manifest-mismatch",
      ...at,
      message: `the read model lists [${describe(table.files)}] but the manifest [${describe(manifest.files)}]`,
    });
  return violations;
}

/** Each file behind a link must hold what the read model says it holds (rows, SHA-256 of its bytes). */
function checkFiles(table: ObservedTable, at: { requestId: string; table: string }): Violation[] {
  return (table.downloaded ?? []).flatMap((file): Violation[] => {
    if (file.error !== undefined)
      return [{ kind: "file-corrupt", ...at, message: `${file.key} could not be read: ${file.error}` }];
    const listed = table.files.find((f) => f.key === file.key);
    if (listed === undefined || (file.sha256 === listed.sha256 && file.rows === listed.rows)) return [];
    return [
      {
        kind: "file-corrupt",
        ...at,
        message: `${file.key} holds ${file.rows} rows, SHA-256 ${file.sha256?.slice(0, 16) ?? "?"}…; requestStatus says ${listed.rows} rows, ${listed.sha256.slice(0, 16)}…`,
      },
    ];
  });
}

function checkContent(table: ObservedTable, at: { requestId: string; table: string }): Violation[] {
  const expected = table.expected;
  if (expected === undefined) return [];
  const mismatch = (message: string): Violation[] => [{ kind: "content-mismatch", ...at, message }];
  if (expected.kind === "files") {
    const base = (key: string): string => key.slice(key.lastIndexOf("/") + 1);
    const actual = Object.fromEntries((table.files ?? []).map((f) => [base(f.key), f.rows]));
    const want = JSON.stringify(Object.entries(expected.rowsByFile).sort());
    const got = JSON.stringify(Object.entries(actual).sort());
    return want === got ? [] : mismatch(`files and rows ${got}, expected ${want}`);
  }
  const columns = (table.downloaded ?? []).find((f) => f.columns !== undefined)?.columns;
  if (columns !== undefined && columns.join(",") !== expected.columns.join(","))
    return mismatch(`columns [${columns.join(", ")}], expected [${expected.columns.join(", ")}]`);
  if (table.content === undefined) return [];
  const content = table.content;
  const want = expected.digest;
  if (content.rows === want.rows && content.checksum === want.checksum && table.rows === want.rows) return [];
  const diff = rowDifference(want.keys, content.keys);
  return mismatch(
    `${content.rows} rows (checksum ${content.checksum.slice(0, 12)}, read model ${table.rows ?? "null"}), expected ` +
      `${want.rows} (checksum ${want.checksum.slice(0, 12)}): ${diff.missingCount} missing, ${diff.unexpectedCount} unexpected` +
      (diff.missing.length > 0 ? `; missing e.g. ${diff.missing.join(" / ")}` : "") +
      (diff.unexpected.length > 0 ? `; unexpected e.g. ${diff.unexpected.join(" / ")}` : ""),
  );
}

/**
 * Every object must be a COMPLETED table's manifest or a file it lists (a table of an unfinished export too: that
 * is reported as not terminal); every listed file must exist; no key may belong to two tables. Orphans are grouped
 * by the table prefix they sit under.
 */
function checkObjects(observation: RunObservation): Violation[] {
  const violations: Violation[] = [];
  const owners = new Map<string, string[]>();
  const own = (key: string, owner: string): void => void owners.set(key, [...(owners.get(key) ?? []), owner]);
  const prefixes: { prefix: string; requestId: string; table: string; status: string }[] = [];
  for (const request of observation.requests) {
    for (const table of request.tables) {
      prefixes.push({
        prefix: table.outputPrefix,
        requestId: request.requestId,
        table: table.table,
        status: table.status,
      });
      if (table.status !== "COMPLETED") continue;
      const owner = `${request.requestId}/${table.table}`;
      if (table.manifestKey) own(table.manifestKey, owner);
      for (const file of table.files) own(file.key, owner);
    }
  }
  const present = new Set(observation.objects.map((o) => o.key));
  for (const [key, claimants] of owners) {
    if (claimants.length > 1)
      violations.push({ kind: "shared-key", message: `${key} is listed by ${claimants.join(" and ")}` });
    if (!present.has(key))
      violations.push({ kind: "missing-object", message: `${key} (of ${claimants.join(", ")}) is not in the bucket` });
  }
  const orphans = new Map<string, string[]>();
  for (const { key } of observation.objects) {
    if (owners.has(key)) continue;
    // The longest prefix: a table's folder, not a parent folder of another table's.
    const home = prefixes.filter((p) => key.startsWith(p.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    const where = home ? `${home.requestId}/${home.table} (${home.status}) under ${home.prefix}` : "no export's prefix";
    orphans.set(where, [...(orphans.get(where) ?? []), key]);
  }
  for (const [where, keys] of orphans) {
    const home = prefixes.find((p) => where.startsWith(`${p.requestId}/${p.table} `));
    violations.push({
      kind: "orphan-object",
      ...(home ? { requestId: home.requestId, table: home.table } : {}),
      message: `${keys.length} object(s) no COMPLETED table's manifest lists, in ${where}: ${keys
        .slice(0, 4)
        .map((k) => k.slice(k.lastIndexOf("/") + 1))
        .join(", ")}${keys.length > 4 ? ", …" : ""}`,
    });
  }
  return violations;
}

/** One ExportCompleted and one SNS message per finished export, saying what requestStatus says. */
function checkAnnouncements(observation: RunObservation): Violation[] {
  const violations: Violation[] = [];
  const known = new Set(observation.requests.map((r) => r.requestId));
  for (const request of observation.requests) {
    if (!isTerminal(request) || request.tracked === undefined) continue;
    const wanted = eventStatusOf[request.status ?? ""] ?? "?";
    const about = <T extends { requestId: string }>(items: readonly T[]): T[] =>
      items.filter((item) => item.requestId === request.requestId);
    violations.push(
      ...exactlyOne(request, about(observation.completedEvents), wanted, {
        count: "completed-events",
        status: "completed-status",
        name: "ExportCompleted",
        plural: "ExportCompleted events",
      }),
      // SNS spells PARTIAL_SUCCESS with a dash.
      ...exactlyOne(request, about(observation.notifications), wanted.replace("_", "-"), {
        count: "notifications",
        status: "notification-status",
        name: "SNS message",
        plural: "SNS messages",
      }),
    );
  }
  const strangers = [
    ...observation.completedEvents.map((e) => ({
      ...e,
      kind: "completed-events" as const,
      name: "an ExportCompleted",
    })),
    ...observation.notifications.map((n) => ({ ...n, kind: "notifications" as const, name: "an SNS message" })),
  ].filter((a) => !known.has(a.requestId));
  for (const stranger of strangers)
    violations.push({
      kind: stranger.kind,
      requestId: stranger.requestId,
      message: `${stranger.name} (${stranger.status}) for a request nobody knows`,
    });
  return violations;
}

/** One announcement of the request (an event, a message) with the status it should have. */
function exactlyOne(
  request: ObservedRequest,
  announcements: readonly { status: string; at?: string }[],
  wanted: string,
  what: { count: ViolationKind; status: ViolationKind; name: string; plural: string },
): Violation[] {
  const at = where(request);
  const violations: Violation[] = [];
  if (announcements.length !== 1)
    violations.push({
      kind: what.count,
      ...at,
      message: `${announcements.length} ${what.plural} (${announcements.map(describeAnnouncement).join(", ") || "none"}), expected 1`,
    });
  for (const wrong of announcements.filter((a) => a.status !== wanted))
    violations.push({
      kind: what.status,
      ...at,
      message: `the ${what.name} says ${wrong.status}, requestStatus ${request.status ?? "?"}`,
    });
  return violations;
}

/** A violation's request and export. */
const where = (request: ObservedRequest): { requestId: string; exportId?: string } => ({
  requestId: request.requestId,
  ...(request.exportId === undefined ? {} : { exportId: request.exportId }),
});

const describeAnnouncement = (a: { status: string; at?: string }): string =>
  a.at === undefined ? a.status : `${a.status} ${a.at}`;

export function describeExport(planned: PlannedExport): string {
  if (planned.kind === "scheduled") return `${planned.id} (scheduled ${planned.exportDate})`;
  const iso = (s: number): string => new Date(s * 1000).toISOString().slice(0, 16);
  return `${planned.id} (on demand ${iso(planned.startTime)}..${iso(planned.endTime)})`;
}
