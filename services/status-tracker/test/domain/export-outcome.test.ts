import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted } from "@data-exporter/contracts";
import { exportOutcomeLabels } from "../../src/domain/export-outcome.js";

const completed = (over: Partial<ExportCompleted>): ExportCompleted =>
  ({ status: "SUCCESS", mode: "ON_DEMAND", cancelled: false, ...over }) as ExportCompleted;

describe("exportOutcomeLabels", () => {
  it("labels a finished export by its status and mode", () => {
    expect(exportOutcomeLabels(completed({}))).toEqual({ status: "SUCCESS", mode: "ON_DEMAND" });
    expect(exportOutcomeLabels(completed({ status: "PARTIAL_SUCCESS", mode: "SCHEDULED" }))).toEqual({
      status: "PARTIAL_SUCCESS",
      mode: "SCHEDULED",
    });
  });

  it("counts a cancelled export as CANCELLED, whatever its tables did", () => {
    expect(exportOutcomeLabels(completed({ status: "FAILED", cancelled: true }))).toEqual({
      status: "CANCELLED",
      mode: "ON_DEMAND",
    });
  });
});
