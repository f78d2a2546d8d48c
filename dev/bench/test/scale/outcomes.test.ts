import { describe, expect, it } from "@jest/globals";
import { summariseOutcomes } from "../../scale/outcomes.js";

describe("summariseOutcomes", () => {
  it("counts completed and failed requests, lists the lost ones, and drains to the last finish", () => {
    const summary = summariseOutcomes(10_000, [
      { requestId: "a", status: "Completed", finishedAt: 12_000 },
      { requestId: "b", status: "Completed", finishedAt: 15_500 },
      { requestId: "c", status: "Failed", finishedAt: 13_000 },
      { requestId: "d", status: "Partially Completed", finishedAt: 14_000 },
      { requestId: "e", status: "Processing", finishedAt: undefined },
      { requestId: "f", status: "unanswered: Error: fetch failed", finishedAt: undefined },
      // Final by the API, though its event never reached the bench: not lost, and no finish time to count.
      { requestId: "g", status: "Completed", finishedAt: undefined },
    ]);
    expect(summary).toEqual({
      completed: 3,
      failed: 2,
      lost: ["e", "f"],
      failedByStatus: { Failed: 1, "Partially Completed": 1 },
      drainS: 5.5,
    });
  });

  it("has no drain time when nothing finished", () => {
    expect(summariseOutcomes(0, [{ requestId: "a", status: "Processing", finishedAt: undefined }]).drainS).toBeNull();
  });
});
