import { describe, expect, it } from "@jest/globals";
import type { TopicEvent } from "../src/index.js";
import { eventNames, isTopicEvent, messageKey, topicEvents, topics } from "../src/index.js";
import { exportPlanned, requestId, unloadCommand } from "./support/samples.js";

describe("topicEvents", () => {
  it("puts every event on exactly one topic, and only on known topics", () => {
    const placed = Object.values(topicEvents).flat();
    expect([...placed].sort()).toEqual([...eventNames].sort());
    for (const key of Object.keys(topicEvents)) expect(topics).toHaveProperty(key);
  });

  it("keys by request id, request id/table for commands, and date for triggers", () => {
    expect(messageKey("exportLifecycle", { type: "ExportPlanned", value: exportPlanned })).toBe(requestId);
    expect(messageKey("unloadCommands", { type: "UnloadTableCommand", value: unloadCommand })).toBe(
      `${requestId}/traffic_observation`,
    );
    const trigger = {
      requestId,
      exportDate: "2025-01-01",
      timeZone: "Australia/Melbourne",
      windowStart: 0,
      windowEnd: 1,
      force: false,
      triggeredAt: 2,
      triggeredBy: "cronjob",
    };
    expect(messageKey("dailyExportTriggered", { type: "DailyExportTriggered", value: trigger })).toBe("2025-01-01");
  });

  it("tells which events a topic allows", () => {
    expect(isTopicEvent("exportLifecycle", "TableUnloadFailed")).toBe(true);
    expect(isTopicEvent("exportLifecycle", "ExportCompleted")).toBe(false);
  });

  it("does not compile an event on the wrong topic", () => {
    // @ts-expect-error ExportPlanned is a lifecycle event, not an unload command
    const wrong: TopicEvent<"unloadCommands"> = { type: "ExportPlanned", value: exportPlanned };
    // @ts-expect-error the value must be the one its type names
    const mismatched: TopicEvent<"exportLifecycle"> = { type: "TableUnloadStarted", value: exportPlanned };
    expect([wrong, mismatched]).toHaveLength(2);
  });
});
