import { describe, expect, it } from "@jest/globals";
import type { ExportRequested } from "@data-exporter/contracts";
import { requestedState } from "@data-exporter/status-store";
import { loadRequest } from "../../src/domain/load-request.js";

const accepted: ExportRequested = {
  requestId: "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e",
  windowStart: 1000,
  windowEnd: 2000,
  requestedAt: 500,
  requestedBy: "databricks",
};
const none = () => Promise.resolve(undefined);

describe("loadRequest", () => {
  it("answers from the tracker's read model when it knows the request", async () => {
    const tracked = { ...requestedState(accepted, "ON_DEMAND"), status: "IN-PROGRESS" as const };
    expect(await loadRequest(accepted.requestId, { tracked: () => Promise.resolve(tracked), accepted: none })).toBe(
      tracked,
    );
  });

  it("answers REQUESTED for a request accepted moments ago that the tracker has not recorded yet", async () => {
    const state = await loadRequest(accepted.requestId, { tracked: none, accepted: () => Promise.resolve(accepted) });
    expect(state).toMatchObject({
      requestId: accepted.requestId,
      status: "REQUESTED",
      mode: "ON_DEMAND",
      requestedAt: 500,
    });
  });

  it("knows nothing of a request neither has", async () => {
    expect(await loadRequest(accepted.requestId, { tracked: none, accepted: none })).toBeUndefined();
  });
});
