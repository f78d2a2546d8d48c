import { describe, expect, it } from "@jest/globals";
import { parseTriggerArgs, TriggerArgsError, triggerEvents, triggerUsage } from "../../src/cli/trigger-args.js";

// 2026-11-25T14:30Z is 01:30 on the 26th in Melbourne: the 01:00 CronJob's moment.
const now = Date.UTC(2026, 10, 25, 14, 30);

describe("parseTriggerArgs", () => {
  it("defaults to yesterday in Melbourne, triggered by an operator", () => {
    expect(parseTriggerArgs([], { now })).toEqual({
      dates: ["2026-11-25"],
      force: false,
      triggeredBy: "operator",
      json: false,
    });
  });

  it("takes the CronJob's TRIGGERED_BY as the default source", () => {
    expect(parseTriggerArgs([], { now, defaultTriggeredBy: "cronjob" })).toMatchObject({ triggeredBy: "cronjob" });
  });

  it("takes one date, with force and an explicit source", () => {
    expect(parseTriggerArgs(["--date", "2024-04-07", "--force", "--triggered-by", "backfill"], { now })).toEqual({
      dates: ["2024-04-07"],
      force: true,
      triggeredBy: "backfill",
      json: false,
    });
  });

  it("expands a range into one date each, as a backfill", () => {
    expect(parseTriggerArgs(["--from", "2024-04-06", "--to", "2024-04-08"], { now })).toEqual({
      dates: ["2024-04-06", "2024-04-07", "2024-04-08"],
      force: false,
      triggeredBy: "backfill",
      json: false,
    });
  });

  it("takes --json: report what was published as a document on stdout", () => {
    expect(parseTriggerArgs(["--date", "2024-04-07", "--json"], { now })).toEqual({
      dates: ["2024-04-07"],
      force: false,
      triggeredBy: "operator",
      json: true,
    });
    expect(() => parseTriggerArgs(["--json=yes"], { now })).toThrow(TriggerArgsError);
  });

  it("documents --json, its document and the exit codes in the usage", () => {
    expect(triggerUsage).toContain("[--json]");
    expect(triggerUsage).toMatch(/--json +print what was published as one JSON line on stdout \(logs go to stderr/);
    expect(triggerUsage).toContain('{"triggered":[{"requestId","exportDate"');
    expect(triggerUsage).toContain("Exit codes: 0 published, 1 could not publish");
  });

  it("answers help", () => {
    expect(parseTriggerArgs(["--help"], { now })).toBe("help");
  });

  it.each<[string, string[], RegExp]>([
    ["a malformed date", ["--date", "07/04/2024"], /YYYY-MM-DD/],
    ["an impossible date", ["--date", "2024-02-30"], /not a calendar date/],
    [
      "a date with a range",
      ["--date", "2024-04-07", "--from", "2024-04-06", "--to", "2024-04-07"],
      /cannot be combined/,
    ],
    ["half a range", ["--from", "2024-04-06"], /go together/],
    ["a reversed range", ["--from", "2024-04-08", "--to", "2024-04-06"], /after/],
    ["an unknown option", ["--dates", "2024-04-07"], /Unknown option/],
    ["a positional argument", ["2024-04-07"], /positional/],
    ["an unknown source", ["--triggered-by", "me"], /cronjob, operator, backfill/],
    ["today, which has not ended", ["--date", "2026-11-26"], /has not ended yet/],
    [
      "a range reaching into the future",
      ["--from", "2026-11-24", "--to", "2026-11-27"],
      /2026-11-26 has not ended yet/,
    ],
  ])("rejects %s", (_case, argv, message) => {
    expect(() => parseTriggerArgs(argv, { now })).toThrow(TriggerArgsError);
    expect(() => parseTriggerArgs(argv, { now })).toThrow(message);
  });
});

describe("triggerEvents", () => {
  it("emits one event per date with a new request id and that Melbourne day as the window", () => {
    let n = 0;
    const events = triggerEvents(
      { dates: ["2024-04-06", "2024-04-07"], force: true, triggeredBy: "backfill", json: false },
      { now: 42, newId: () => `id-${++n}` },
    );
    expect(events).toEqual([
      {
        requestId: "id-1",
        exportDate: "2024-04-06",
        timeZone: "Australia/Melbourne",
        windowStart: Date.UTC(2024, 3, 5, 13),
        windowEnd: Date.UTC(2024, 3, 6, 13),
        force: true,
        triggeredAt: 42,
        triggeredBy: "backfill",
      },
      {
        requestId: "id-2",
        exportDate: "2024-04-07",
        timeZone: "Australia/Melbourne",
        // The day daylight saving ends: 25 hours.
        windowStart: Date.UTC(2024, 3, 6, 13),
        windowEnd: Date.UTC(2024, 3, 7, 14),
        force: true,
        triggeredAt: 42,
        triggeredBy: "backfill",
      },
    ]);
  });
});
