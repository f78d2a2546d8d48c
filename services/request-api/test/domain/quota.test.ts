import { describe, expect, it } from "@jest/globals";
import { quotaExceeded, quotaRefusal, type RecentRequest } from "../../src/domain/quota.js";

const NOW = Date.UTC(2026, 11, 3, 12);
const HOUR = 3_600_000;
const limits = { concurrent: 2, daily: 3 };
const deadline = 26 * HOUR;
const at = (hoursAgo: number, status: RecentRequest["status"]): RecentRequest => ({
  requestedAt: NOW - hoursAgo * HOUR,
  status,
});

describe("quotaExceeded", () => {
  it("allows a caller under both limits", () => {
    expect(quotaExceeded([at(1, "IN-PROGRESS"), at(2, "COMPLETED")], limits, NOW, deadline)).toBeUndefined();
  });

  it("refuses a fourth export in 24 hours, naming when a place frees", () => {
    const recent = [at(1, "COMPLETED"), at(5, "FAILED"), at(23, "COMPLETED")];
    expect(quotaExceeded(recent, limits, NOW, deadline)).toBe(
      `at most 3 exports may be started in 24 hours; the oldest of them frees a place at ${new Date(
        NOW + HOUR,
      ).toISOString()}`,
    );
    expect(quotaExceeded([...recent.slice(0, 2), at(25, "COMPLETED")], limits, NOW, deadline)).toBeUndefined();
  });

  it("refuses a third running export, counting accepted-but-untracked ones and not those past the deadline", () => {
    expect(quotaExceeded([at(0, undefined), at(1, "REQUESTED")], limits, NOW, deadline)).toMatch(/at most 2 exports/);
    expect(quotaExceeded([at(0, "IN-PROGRESS"), at(27, "IN-PROGRESS")], { ...limits, daily: 10 }, NOW, deadline)).toBe(
      undefined,
    );
  });
});

describe("quotaRefusal", () => {
  const accepted = [
    { requestId: "running", requestedAt: NOW - HOUR },
    { requestId: "untracked", requestedAt: NOW - 2 * HOUR },
    { requestId: "done", requestedAt: NOW - 3 * HOUR },
    { requestId: "stale", requestedAt: NOW - 27 * HOUR },
  ];

  it("reads the statuses of the caller's live requests in one call and counts the running ones", async () => {
    const reads: (readonly string[])[] = [];
    const refusal = await quotaRefusal("alice", {
      acceptedSince: () => Promise.resolve(accepted),
      statusesOf: (ids) => {
        reads.push(ids);
        return Promise.resolve(
          new Map([
            ["running", "IN-PROGRESS" as const],
            ["done", "COMPLETED" as const],
          ]),
        );
      },
      limits: { concurrent: 2, daily: 10 },
      deadlineMs: deadline,
      now: () => NOW,
    });
    // "running" and the accepted-but-untracked one run: the limit of 2 is reached; "stale" is past the deadline.
    expect(refusal).toMatch(/at most 2 exports may run at once/);
    expect(reads).toEqual([["running", "untracked", "done"]]);
  });

  it("allows the caller when its live requests finished", async () => {
    const refusal = await quotaRefusal("alice", {
      acceptedSince: () => Promise.resolve(accepted.slice(2)),
      statusesOf: () => Promise.resolve(new Map([["done", "COMPLETED" as const]])),
      limits: { concurrent: 1, daily: 10 },
      deadlineMs: deadline,
      now: () => NOW,
    });
    expect(refusal).toBeUndefined();
  });
});
