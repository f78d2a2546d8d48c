import { describe, expect, it } from "@jest/globals";
import { parseChaosArgs } from "../../chaos/args.js";

describe("parseChaosArgs", () => {
  it("defaults to one run of four exports, every fault kind, a drawn seed", () => {
    expect(parseChaosArgs([])).toEqual({
      ok: true,
      args: {
        runs: 1,
        concurrency: 4,
        seed: undefined,
        faults: "all",
        faultsPerRun: 3,
        onlyRuns: [],
        settleTimeoutMs: 300_000,
        json: false,
        help: false,
      },
    });
  });

  it("reads every option, spaced or with =", () => {
    const parsed = parseChaosArgs([
      "--runs",
      "20",
      "--concurrency=20",
      "--seed",
      "4242",
      "--faults",
      "process",
      "--faults-per-run",
      "2",
      "--only-run",
      "3",
      "--only-run=7",
      "--settle-timeout",
      "120",
      "--json",
    ]);
    expect(parsed).toEqual({
      ok: true,
      args: {
        runs: 20,
        concurrency: 20,
        seed: 4242,
        faults: "process",
        faultsPerRun: 2,
        onlyRuns: [3, 7],
        settleTimeoutMs: 120_000,
        json: true,
        help: false,
      },
    });
    expect(parseChaosArgs(["--seed", "4294967295"])).toMatchObject({ ok: true, args: { seed: 4294967295 } });
  });

  it("names every bad argument", () => {
    expect(
      parseChaosArgs(["--runs", "0", "--concurrency", "x", "--seed", "-1", "--faults", "some", "--bogus", "--runs"]),
    ).toEqual({
      ok: false,
      errors: [
        '--runs needs an integer in [1, 1000], got "0"',
        '--concurrency needs an integer in [1, 200], got "x"',
        '--seed needs an integer in [0, 4294967295], got "-1"',
        '--faults is all or process, got "some"',
        'unknown argument "--bogus"',
        "--runs needs an integer in [1, 1000], got nothing",
      ],
    });
    expect(parseChaosArgs(["--runs", "2", "--only-run", "3"])).toEqual({
      ok: false,
      errors: ["--only-run 3 is beyond --runs 2"],
    });
  });

  it("recognises --help", () => {
    expect(parseChaosArgs(["--help"])).toMatchObject({ ok: true, args: { help: true } });
  });
});
