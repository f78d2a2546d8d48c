import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted } from "@data-exporter/contracts";
import { handleExportCompleted, notifyCompletion } from "../../src/handlers/notify-completion.js";

const event = {
  requestId: "r1",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 0,
  windowEnd: 1,
  status: "SUCCESS",
  bucket: "b",
  completedAt: 2,
  run: 0,
  cancelled: false,
  cancelledBy: null,
  tables: [],
} satisfies ExportCompleted;

describe("notifyCompletion", () => {
  it("publishes once, however often the event is delivered", async () => {
    const recorded = new Map<string, string>();
    const published: string[] = [];
    const deps = {
      alreadyNotified: (id: string, run: number) => Promise.resolve(recorded.has(`${id}#${run}`)),
      publish: (n: { subject: string }) => Promise.resolve(String(published.push(n.subject))),
      recordNotified: (id: string, run: number, messageId: string) =>
        Promise.resolve(void recorded.set(`${id}#${run}`, messageId)),
    };
    expect(await notifyCompletion(event, deps)).toEqual({ sent: true, messageId: "1" });
    expect(await notifyCompletion(event, deps)).toEqual({ sent: false });
    expect(published).toHaveLength(1);
  });

  it("announces a retried export again, once per run", async () => {
    const recorded = new Set<string>();
    const published: string[] = [];
    const deps = {
      alreadyNotified: (id: string, run: number) => Promise.resolve(recorded.has(`${id}#${run}`)),
      publish: (n: { subject: string }) => Promise.resolve(String(published.push(n.subject))),
      recordNotified: (id: string, run: number) => Promise.resolve(void recorded.add(`${id}#${run}`)),
    };
    const retried = { ...event, run: 1 };
    expect(await notifyCompletion(event, deps)).toMatchObject({ sent: true });
    expect(await notifyCompletion(retried, deps)).toMatchObject({ sent: true });
    expect(await notifyCompletion(retried, deps)).toEqual({ sent: false });
    expect(published).toEqual([
      "data-exporter on-demand export: SUCCESS (0 tables)",
      "data-exporter on-demand export: SUCCESS (0 tables, retry 1)",
    ]);
  });
});

describe("handleExportCompleted", () => {
  it("logs a published notification with its message id, and a skipped one", async () => {
    let notified = false;
    const logs: [unknown, string][] = [];
    const deps = {
      alreadyNotified: () => Promise.resolve(notified),
      publish: () => Promise.resolve("m-1"),
      recordNotified: () => Promise.resolve(void (notified = true)),
      log: { info: (context: unknown, message: string) => void logs.push([context, message]) },
    };
    await handleExportCompleted(event, deps as unknown as Parameters<typeof handleExportCompleted>[1]);
    await handleExportCompleted(event, deps as unknown as Parameters<typeof handleExportCompleted>[1]);
    expect(logs).toEqual([
      [{ requestId: "r1", run: 0, status: "SUCCESS", mode: "ON_DEMAND", messageId: "m-1" }, "notification published"],
      [{ requestId: "r1", run: 0, status: "SUCCESS", mode: "ON_DEMAND" }, "notification already published; skipped"],
    ]);
  });
});

describe("notifyCompletion through a database outage", () => {
  it("publishes once, retrying the record until the database answers again", async () => {
    const published: string[] = [];
    let recordFailures = 3;
    const recorded = new Map<string, string>();
    const deps = {
      alreadyNotified: (id: string) => Promise.resolve(recorded.has(id)),
      publish: (n: { subject: string }) => Promise.resolve(String(published.push(n.subject))),
      recordNotified: (id: string, _run: number, messageId: string) =>
        recordFailures-- > 0
          ? Promise.reject(Object.assign(new Error("connection terminated"), { retryable: true }))
          : Promise.resolve(void recorded.set(id, messageId)),
      recordBudgetMs: 60_000,
    };
    expect(await notifyCompletion(event, deps)).toEqual({ sent: true, messageId: "1" });
    expect(published).toHaveLength(1);
    expect(recorded.get("r1")).toBe("1");
  });
});
