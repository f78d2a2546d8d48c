import { describe, expect, it } from "@jest/globals";
import { requestedState, type ExportRequestState, type TableJob } from "@data-exporter/status-store";
import {
  findReusableExport,
  recordedObjects,
  recordedObjectsExist,
  type ReuseDeps,
} from "../../src/domain/reuse-export.js";

const window = { windowStart: 1_712_322_000_000, windowEnd: 1_712_408_400_000 };
const NOW = 1_712_500_000_000;

const table = (name: string, status: TableJob["status"]): TableJob => ({
  table: name,
  status,
  attempts: 1,
  rows: 1,
  bytes: 1,
  outputPrefix: `p/${name}/`,
  files:
    status === "COMPLETED"
      ? [{ key: `p/${name}/${name}_000.parquet`, rows: 1, bytes: 1, sha256: "ab", versionId: `v-${name}` }]
      : [],
  manifestKey: status === "COMPLETED" ? `p/${name}/manifest` : null,
  manifestVersionId: status === "COMPLETED" ? `m-${name}` : null,
  errorKind: null,
  lastError: null,
  cancelledBy: null,
  run: 0,
  startedAt: null,
  lastProgressAt: null,
  finishedAt: null,
});

const state = (
  requestId: string,
  status: ExportRequestState["status"],
  configVersion: string | null,
  tables: TableJob[] = [],
): ExportRequestState => ({
  ...requestedState({ requestId, ...window, requestedAt: NOW - 60_000, requestedBy: "ana" }, "ON_DEMAND"),
  status,
  configVersion,
  bucket: configVersion === null ? null : "exports",
  tables,
});

function deps(states: ExportRequestState[], overrides: Partial<ReuseDeps> = {}): ReuseDeps {
  return {
    candidates: () => Promise.resolve(states.map((s) => ({ requestId: s.requestId, requestedAt: s.requestedAt }))),
    loadRequest: (id) => Promise.resolve(states.find((s) => s.requestId === id)),
    currentConfigVersion: () => Promise.resolve("cfg-now"),
    filesExist: () => Promise.resolve(true),
    unplannedForMs: 3_600_000,
    now: () => NOW,
    ...overrides,
  };
}

describe("findReusableExport", () => {
  it("reuses a completed export made under the current rules whose files are still there", async () => {
    const done = state("done", "COMPLETED", "cfg-now", [table("way", "COMPLETED")]);
    expect(await findReusableExport(window, "ana", deps([done]))).toBe("done");
  });

  it("exports again when the rules changed, the files expired, or the earlier export failed or was partial", async () => {
    const old = state("old", "COMPLETED", "cfg-before", [table("way", "COMPLETED")]);
    expect(await findReusableExport(window, "ana", deps([old]))).toBeUndefined();
    const expired = state("expired", "COMPLETED", "cfg-now", [table("way", "COMPLETED")]);
    expect(
      await findReusableExport(window, "ana", deps([expired], { filesExist: () => Promise.resolve(false) })),
    ).toBeUndefined();
    for (const status of ["FAILED", "PARTIAL-SUCCESS"] as const)
      expect(await findReusableExport(window, "ana", deps([state(status, status, "cfg-now")]))).toBeUndefined();
  });

  it("reuses a running export, or one accepted moments ago, but not one left unplanned past the deadline", async () => {
    expect(await findReusableExport(window, "ana", deps([state("running", "IN-PROGRESS", "cfg-now")]))).toBe("running");
    const accepted = state("accepted", "REQUESTED", null);
    expect(await findReusableExport(window, "ana", deps([accepted]))).toBe("accepted");
    expect(await findReusableExport(window, "ana", deps([accepted], { now: () => NOW + 3_600_000 }))).toBeUndefined();
  });

  it("takes the newest usable candidate and reads the configuration only when there is one", async () => {
    let reads = 0;
    const currentConfigVersion = () => (reads++, Promise.resolve("cfg-now"));
    const candidates = [state("failed", "FAILED", "cfg-now"), state("done", "COMPLETED", "cfg-now")];
    expect(await findReusableExport(window, "ana", deps(candidates, { currentConfigVersion }))).toBe("done");
    expect(await findReusableExport(window, "ana", deps([], { currentConfigVersion }))).toBeUndefined();
    expect(reads).toBe(1);
  });
});

describe("recordedObjects", () => {
  it("lists the files and manifests of the completed tables at their versions", () => {
    const s = state("r", "PARTIAL-SUCCESS", "cfg-now", [table("way", "COMPLETED"), table("cctv", "FAILED")]);
    expect(recordedObjects(s)).toEqual([
      { key: "p/way/way_000.parquet", versionId: "v-way" },
      { key: "p/way/manifest", versionId: "m-way" },
    ]);
  });
});

describe("recordedObjectsExist", () => {
  it("asks for every recorded object at its version in the export's bucket, and needs all of them", async () => {
    const asked: string[] = [];
    const stored = new Set(["exports/p/way/way_000.parquet@v-way", "exports/p/way/manifest@m-way"]);
    const exists = (bucket: string, key: string, versionId: string | null) => {
      asked.push(`${bucket}/${key}@${versionId}`);
      return Promise.resolve(stored.has(`${bucket}/${key}@${versionId}`));
    };
    const s = state("r", "COMPLETED", "cfg-now", [table("way", "COMPLETED")]);
    expect(await recordedObjectsExist(exists)(s)).toBe(true);
    expect(asked).toEqual(["exports/p/way/way_000.parquet@v-way", "exports/p/way/manifest@m-way"]);
    stored.delete("exports/p/way/manifest@m-way");
    expect(await recordedObjectsExist(exists)(s)).toBe(false);
    expect(await recordedObjectsExist(exists)({ ...s, bucket: null })).toBe(false);
  });
});
