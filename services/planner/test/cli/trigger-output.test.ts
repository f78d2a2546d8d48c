import { describe, expect, it } from "@jest/globals";
import { triggerEvents } from "../../src/cli/trigger-args.js";
import { triggeredExport, type TriggerOutput } from "../../src/cli/trigger-output.js";

describe("triggeredExport", () => {
  it("reports a published event with its window as instants, its length and where it was published", () => {
    const [event] = triggerEvents(
      { dates: ["2024-04-07"], force: false, triggeredBy: "operator", json: true },
      { now: 42, newId: () => "id-1" },
    );
    if (event === undefined) throw new Error("no event");
    const published = triggeredExport(event, {
      topic: "data-exporter.daily-export-triggered.v1",
      partition: 2,
      offset: "7",
    });
    expect(published).toEqual({
      requestId: "id-1",
      exportDate: "2024-04-07",
      timeZone: "Australia/Melbourne",
      // The day daylight saving ends in Melbourne: 25 hours.
      windowStart: "2024-04-06T13:00:00.000Z",
      windowEnd: "2024-04-07T14:00:00.000Z",
      hours: 25,
      force: false,
      triggeredBy: "operator",
      topic: "data-exporter.daily-export-triggered.v1",
      partition: 2,
      offset: "7",
    });
    // The document is plain JSON: it survives a round trip unchanged.
    const output: TriggerOutput = { triggered: [published] };
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
  });
});
