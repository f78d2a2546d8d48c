import { describe, expect, it } from "@jest/globals";
import type { ExportRequested } from "@data-exporter/contracts";
import { requestExport, type RequestExportDeps } from "../../src/domain/request-export.js";

const DAY = 1_712_322_000;

function harness(reusable: string | undefined) {
  const published: ExportRequested[] = [];
  const locks: string[] = [];
  const deps: RequestExportDeps = {
    publishExportRequested: (event) => Promise.resolve(void published.push(event)),
    recordAccepted: () => Promise.resolve(),
    log: { info: () => undefined, warn: () => undefined },
    metrics: { exportRequest: () => undefined },
    newRequestId: () => "new-id",
    now: () => (DAY + 2 * 86_400) * 1000,
    maxWindowSeconds: 86_400,
    findReusable: () => Promise.resolve(reusable),
    exclusively: (key, run) => (locks.push(key), run()),
    quotaRefusal: (by) => Promise.resolve(by === "over-quota" ? "at most 1 export may run at once" : undefined),
  };
  return { deps, published, locks };
}

describe("requestExport", () => {
  it("returns the reusable earlier request without publishing anything", async () => {
    const { deps, published, locks } = harness("earlier-id");
    const input = { startTime: DAY, endTime: DAY + 86_400, requestedBy: "ana", force: false };
    expect(await requestExport(input, deps)).toBe("earlier-id");
    expect(published).toEqual([]);
    expect(locks).toEqual(["ana"]);
  });

  it("exports again when forced, or when nothing can be reused", async () => {
    const forced = harness("earlier-id");
    const input = { startTime: DAY, endTime: DAY + 86_400, requestedBy: "ana", force: true };
    expect(await requestExport(input, forced.deps)).toBe("new-id");
    expect(forced.published.map((e) => [e.requestId, e.requestedBy])).toEqual([["new-id", "ana"]]);
    const fresh = harness(undefined);
    expect(await requestExport({ ...input, force: false }, fresh.deps)).toBe("new-id");
    expect(fresh.published).toHaveLength(1);
  });

  it("refuses a new export over the caller's quota (QUOTA_EXCEEDED), but still reuses an earlier one", async () => {
    const input = { startTime: DAY, endTime: DAY + 86_400, requestedBy: "over-quota", force: true };
    const refused = harness(undefined);
    await expect(requestExport(input, refused.deps)).rejects.toMatchObject({ code: "QUOTA_EXCEEDED", userError: true });
    expect(refused.published).toEqual([]);
    expect(await requestExport({ ...input, force: false }, harness("earlier-id").deps)).toBe("earlier-id");
  });

  it("validates the window before looking for an earlier request", async () => {
    const { deps, locks } = harness("earlier-id");
    await expect(
      requestExport({ startTime: DAY, endTime: DAY, requestedBy: null, force: false }, deps),
    ).rejects.toMatchObject({ code: "INVALID_WINDOW" });
    expect(locks).toEqual([]);
  });
});
