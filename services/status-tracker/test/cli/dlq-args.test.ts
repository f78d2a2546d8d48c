import { describe, expect, it } from "@jest/globals";
import { DlqArgsError, parseDlqArgs } from "../../src/cli/dlq-args.js";

describe("parseDlqArgs", () => {
  it("reads list, show and redrive", () => {
    expect(parseDlqArgs(["list", "--pending"])).toEqual({ command: "list", pending: true, json: false });
    expect(parseDlqArgs(["show", "0:12", "--json"])).toEqual({ command: "show", id: "0:12", json: true });
    expect(parseDlqArgs(["redrive", "0:1", "0:2"])).toEqual({
      command: "redrive",
      ids: ["0:1", "0:2"],
      dryRun: false,
      json: false,
    });
    expect(parseDlqArgs(["redrive", "--all", "--dry-run"])).toMatchObject({ ids: "all", dryRun: true });
    expect(parseDlqArgs([])).toEqual({ command: "help" });
    expect(parseDlqArgs(["--help"])).toEqual({ command: "help" });
  });

  it("refuses what it cannot do, naming the problem", () => {
    expect(() => parseDlqArgs(["show"])).toThrow(DlqArgsError);
    expect(() => parseDlqArgs(["show", "12"])).toThrow(/partition:offset/);
    expect(() => parseDlqArgs(["redrive"])).toThrow(/ids or --all/);
    expect(() => parseDlqArgs(["redrive", "--all", "0:1"])).toThrow(/not both/);
    expect(() => parseDlqArgs(["purge"])).toThrow(/unknown command/);
    expect(() => parseDlqArgs(["list", "--force"])).toThrow(DlqArgsError);
  });
});
