import { describe, expect, it } from "@jest/globals";
import { triggeredExport } from "../../../services/planner/src/cli/trigger-output.js";
import { parseTriggerStdout } from "../trigger.js";

const event = {
  requestId: "5b0f3f4e-6f5e-4b53-9d43-1f0c2b8b7a10",
  exportDate: "2024-04-07",
  timeZone: "Australia/Melbourne",
  windowStart: Date.UTC(2024, 3, 6, 13),
  windowEnd: Date.UTC(2024, 3, 7, 14),
  force: false,
  triggeredAt: 0,
  triggeredBy: "operator",
};

describe("parseTriggerStdout", () => {
  it("reads the document the trigger prints under --json", () => {
    const published = triggeredExport(event, { topic: "t", partition: 1, offset: "3" });
    expect(parseTriggerStdout(`${JSON.stringify({ triggered: [published] })}\n`)).toEqual({ triggered: [published] });
  });

  it("reads nothing published when the trigger printed nothing (bad arguments, exit code 2)", () => {
    expect(parseTriggerStdout("")).toEqual({ triggered: [] });
  });

  it("returns the usage that --help prints", () => {
    expect(parseTriggerStdout("usage: trigger [--date YYYY-MM-DD]\n")).toEqual({
      triggered: [],
      help: "usage: trigger [--date YYYY-MM-DD]",
    });
  });

  it("refuses a document of another shape rather than reading no request ids", () => {
    expect(() => parseTriggerStdout('{"requestIds":["x"]}')).toThrow(/not \{"triggered"/);
    expect(() => parseTriggerStdout('{"triggered":[{"id":"x"}]}')).toThrow(/not \{"triggered"/);
  });
});
