import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted } from "@data-exporter/contracts";
import { notifyCompletion } from "../../src/handlers/notify-completion.js";

const event = {
  requestId: "r1",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 0,
  windowEnd: 1,
  status: "SUCCESS",
  bucket: "b",
  completedAt: 2,
  tables: [],
} satisfies ExportCompleted;

describe("notifyCompletion", () => {
  it("publishes once, however often the event is delivered", async () => {
    const recorded = new Map<string, string>();
    const published: string[] = [];
    const deps = {
      alreadyNotified: (id: string) => Promise.resolve(recorded.has(id)),
      publish: (n: { subject: string }) => Promise.resolve(String(published.push(n.subject))),
      recordNotified: (id: string, messageId: string) => Promise.resolve(void recorded.set(id, messageId)),
    };
    expect(await notifyCompletion(event, deps)).toEqual({ sent: true, messageId: "1" });
    expect(await notifyCompletion(event, deps)).toEqual({ sent: false });
    expect(published).toHaveLength(1);
  });
});
