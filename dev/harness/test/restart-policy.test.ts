import { describe, expect, it } from "@jest/globals";
import {
  defaultRestartPolicy,
  describeExit,
  describeRestart,
  nextRestart,
  noRestarts,
  type RestartState,
} from "../restart-policy.js";

/** The delays of crashes in a row, each after the given time up. */
function delays(upTimes: readonly number[]): number[] {
  let state: RestartState = noRestarts;
  return upTimes.map((upMs) => {
    const decision = nextRestart(defaultRestartPolicy, state, upMs);
    state = decision.state;
    return decision.delayMs;
  });
}

describe("nextRestart", () => {
  it("waits 1 s, then doubles up to 30 s while the process keeps crashing quickly", () => {
    expect(delays([100, 100, 100, 100, 100, 100, 100, 100])).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("starts at 1 s again after a run that lasted resetAfterMs", () => {
    expect(delays([100, 100, 100, 60_000, 100, 59_999])).toEqual([1_000, 2_000, 4_000, 1_000, 2_000, 4_000]);
  });

  it("counts every restart, resets or not (a pod's restartCount)", () => {
    const first = nextRestart(defaultRestartPolicy, noRestarts, 0);
    const second = nextRestart(defaultRestartPolicy, first.state, 3_600_000);
    expect([first.state, second.state]).toEqual([
      { restarts: 1, crashLoop: 1 },
      { restarts: 2, crashLoop: 1 },
    ]);
  });

  it("follows the given policy", () => {
    const policy = { initialDelayMs: 10, maxDelayMs: 25, resetAfterMs: 5 };
    const a = nextRestart(policy, noRestarts, 1);
    const b = nextRestart(policy, a.state, 1);
    const c = nextRestart(policy, b.state, 1);
    expect([a.delayMs, b.delayMs, c.delayMs]).toEqual([10, 20, 25]);
  });
});

describe("describeRestart", () => {
  it("names the service, how it ended, the delay and the restart number", () => {
    const decision = { delayMs: 2_000, state: { restarts: 3, crashLoop: 2 } };
    expect(describeRestart("unloader", { code: null, signal: "SIGKILL" }, decision)).toBe(
      "unloader exited (signal SIGKILL); restarting in 2 s (restart 3)",
    );
    expect(describeRestart("planner", { code: 1, signal: null }, { ...decision, delayMs: 1_500 })).toBe(
      "planner exited (code 1); restarting in 1.5 s (restart 3)",
    );
  });

  it("describes an exit without code or signal", () => {
    expect(describeExit({ code: null, signal: null })).toBe("unknown status");
  });
});
