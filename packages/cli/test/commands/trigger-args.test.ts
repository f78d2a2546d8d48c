import { describe, expect, it } from "@jest/globals";
import { dlqArgv } from "../../src/commands/dlq.js";
import { exitCodeOfEntryPoint, parseTriggered, triggerArgv } from "../../src/commands/trigger-args.js";

describe("running the trigger and dlq entry points", () => {
  it("passes the trigger its options, always with --json", () => {
    expect(triggerArgv({ force: false })).toEqual(["--json"]);
    expect(triggerArgv({ date: "2024-04-07", force: true, triggeredBy: "operator" })).toEqual([
      "--date",
      "2024-04-07",
      "--force",
      "--triggered-by",
      "operator",
      "--json",
    ]);
    expect(triggerArgv({ from: "2024-04-06", to: "2024-04-07", force: false })).toEqual([
      "--from",
      "2024-04-06",
      "--to",
      "2024-04-07",
      "--json",
    ]);
  });

  it("reads what the trigger published from its --json document", () => {
    const doc = { triggered: [{ requestId: "r", exportDate: "2024-04-07", force: true, topic: "t", offset: "1" }] };
    expect(parseTriggered(`${JSON.stringify(doc)}\n`)).toEqual([
      { requestId: "r", exportDate: "2024-04-07", force: true },
    ]);
    expect(parseTriggered("")).toEqual([]);
    expect(() => parseTriggered('{"other":1}')).toThrow(/unexpected trigger output/);
  });

  it("maps the entry points' exit codes: their 1 (Kafka or database unreachable) is the CLI's 3", () => {
    expect([0, 1, 2, 7].map(exitCodeOfEntryPoint)).toEqual([0, 3, 2, 1]);
  });

  it("passes dlq its subcommand", () => {
    expect(dlqArgv({ command: "list", pending: true }, true)).toEqual(["list", "--pending", "--json"]);
    expect(dlqArgv({ command: "show", id: "0:3" }, false)).toEqual(["show", "0:3"]);
    expect(dlqArgv({ command: "redrive", ids: [], all: true, dryRun: true }, false)).toEqual([
      "redrive",
      "--all",
      "--dry-run",
    ]);
  });
});
