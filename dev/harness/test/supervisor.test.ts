import type { ChildProcess } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { ProcessExit } from "../restart-policy.js";
import type { RunningService } from "../services.js";
import { restartingService, supervise, type Instance } from "../supervisor.js";

/** One run of a process, ended by the test (crash) or by stop(). */
class FakeInstance implements Instance {
  readonly exit: Promise<ProcessExit>;
  stopped = false;
  private end!: (exit: ProcessExit) => void;
  constructor(readonly id: number) {
    this.exit = new Promise((resolve) => (this.end = resolve));
  }
  die(exit: ProcessExit = { code: null, signal: "SIGKILL" }): void {
    this.end(exit);
  }
  stop(): Promise<void> {
    this.stopped = true;
    this.end({ code: 0, signal: null });
    return this.exit.then(() => undefined);
  }
}

function harness() {
  const instances: FakeInstance[] = [];
  const lines: string[] = [];
  const start = (): FakeInstance => {
    const instance = new FakeInstance(instances.length);
    instances.push(instance);
    return instance;
  };
  const supervisor = supervise(start, { name: "unloader", log: (line) => void lines.push(line) });
  const latest = (): FakeInstance => instances[instances.length - 1] as FakeInstance;
  return { instances, lines, supervisor, latest };
}

describe("supervise", () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("starts a dead process again after 1 s, then 2 s, logging each restart", async () => {
    const { instances, lines, supervisor, latest } = harness();
    expect(instances).toHaveLength(1);

    latest().die();
    await jest.advanceTimersByTimeAsync(999);
    expect(instances).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(instances).toHaveLength(2);
    expect(supervisor.current).toBe(instances[1]);

    latest().die({ code: 1, signal: null });
    await jest.advanceTimersByTimeAsync(2_000);
    expect(instances).toHaveLength(3);
    expect(supervisor.restarts).toBe(2);
    expect(lines).toEqual([
      "unloader exited (signal SIGKILL); restarting in 1 s (restart 1)",
      "unloader exited (code 1); restarting in 2 s (restart 2)",
    ]);
    await supervisor.stop();
  });

  it("waits 1 s again when the process had stayed up for a minute", async () => {
    const { lines, supervisor, latest } = harness();
    latest().die();
    await jest.advanceTimersByTimeAsync(1_000);
    latest().die();
    await jest.advanceTimersByTimeAsync(2_000);
    await jest.advanceTimersByTimeAsync(60_000);
    latest().die();
    await jest.advanceTimersByTimeAsync(0);
    expect(lines.at(-1)).toBe("unloader exited (signal SIGKILL); restarting in 1 s (restart 3)");
    await supervisor.stop();
  });

  it("restarts a process that exited with code 0 too (restartPolicy: Always)", async () => {
    const { instances, supervisor, latest } = harness();
    latest().die({ code: 0, signal: null });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(instances).toHaveLength(2);
    await supervisor.stop();
  });

  it("stop() stops the running process and starts nothing after it", async () => {
    const { instances, lines, supervisor } = harness();
    await supervisor.stop();
    expect(instances[0]?.stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(instances).toHaveLength(1);
    expect(lines).toEqual([]);
    await expect(supervisor.stopped).resolves.toEqual({ code: 0, signal: null });
  });

  it("stop() during the backoff cancels the pending restart", async () => {
    const { instances, supervisor, latest } = harness();
    latest().die();
    await jest.advanceTimersByTimeAsync(500);
    await supervisor.stop();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(instances).toHaveLength(1);
    await expect(supervisor.stopped).resolves.toEqual({ code: null, signal: "SIGKILL" });
  });

  it("counts a restart whose start() throws as one more crash and tries again", async () => {
    let fail = false;
    const instances: FakeInstance[] = [];
    const lines: string[] = [];
    const supervisor = supervise(
      () => {
        if (fail) throw new Error("spawn EAGAIN");
        const instance = new FakeInstance(instances.length);
        instances.push(instance);
        return instance;
      },
      { name: "planner", log: (line) => void lines.push(line) },
    );
    fail = true;
    instances[0]?.die();
    await jest.advanceTimersByTimeAsync(1_000);
    fail = false;
    await jest.advanceTimersByTimeAsync(2_000);
    expect(instances).toHaveLength(2);
    expect(lines).toEqual([
      "planner exited (signal SIGKILL); restarting in 1 s (restart 1)",
      "planner could not be started: spawn EAGAIN",
      "planner exited (unknown status); restarting in 2 s (restart 2)",
    ]);
    await supervisor.stop();
  });

  it("tells onRestart about each replacement", async () => {
    const restarted: [number, number][] = [];
    const instances: FakeInstance[] = [];
    const supervisor = supervise(
      () => {
        const instance = new FakeInstance(instances.length);
        instances.push(instance);
        return instance;
      },
      { name: "notifier", log: () => undefined, onRestart: (i, n) => void restarted.push([i.id, n]) },
    );
    instances[0]?.die();
    await jest.advanceTimersByTimeAsync(1_000);
    instances[1]?.die();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(restarted).toEqual([
      [1, 1],
      [2, 2],
    ]);
    await supervisor.stop();
  });
});

describe("restartingService", () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** A RunningService around a FakeInstance; `process` tells the instances apart. */
  const fakeService = (instance: FakeInstance): RunningService => ({
    name: "unloader",
    healthUrl: "http://127.0.0.1:4003",
    readyUrl: "http://127.0.0.1:4003/readyz",
    process: { pid: 1000 + instance.id } as ChildProcess,
    exit: instance.exit,
    exited: instance.exit.then((e) => e.code),
    stop: () => instance.stop(),
  });

  it("keeps the service's URLs, follows the current process and ends only when stopped", async () => {
    const instances: FakeInstance[] = [];
    const service = restartingService(
      () => {
        const instance = new FakeInstance(instances.length);
        instances.push(instance);
        return fakeService(instance);
      },
      { name: "unloader", log: () => undefined },
    );
    let ended = false;
    void service.exited.then(() => (ended = true));
    expect(service.process.pid).toBe(1000);

    instances[0]?.die();
    await jest.advanceTimersByTimeAsync(1_000);
    expect([service.process.pid, service.restarts, ended]).toEqual([1001, 1, false]);
    expect(service.readyUrl).toBe("http://127.0.0.1:4003/readyz");

    await service.stop();
    expect(instances[1]?.stopped).toBe(true);
    await expect(service.exited).resolves.toBe(0);
  });
});
