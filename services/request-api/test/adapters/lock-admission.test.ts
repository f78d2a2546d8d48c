import { describe, expect, it } from "@jest/globals";
import { LockAdmission } from "../../src/adapters/lock-admission.js";

/** A run that records when it starts and finishes only when the test says so. */
function controlled(log: string[], name: string): { run: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("LockAdmission", () => {
  it("runs the requests of one key one at a time, in arrival order", async () => {
    const admission = new LockAdmission(5);
    const log: string[] = [];
    const runs = ["a", "b", "c"].map((name) => controlled(log, name));
    const results = runs.map((r) => admission.run("caller", r.run));
    await settle();
    expect(log).toEqual(["start a"]);
    runs[0]!.finish();
    await settle();
    expect(log).toEqual(["start a", "end a", "start b"]);
    runs[1]!.finish();
    runs[2]!.finish();
    expect(await Promise.all(results)).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(admission.inFlightKeys).toBe(0);
  });

  it("runs different keys at once, at most maxHolders of them, and admits the next as one leaves", async () => {
    const admission = new LockAdmission(2);
    const log: string[] = [];
    const runs = ["x", "y", "z"].map((name) => controlled(log, name));
    const results = runs.map((r, i) => admission.run(`key-${i}`, r.run));
    await settle();
    expect(log).toEqual(["start x", "start y"]);
    runs[1]!.finish();
    await settle();
    expect(log).toEqual(["start x", "start y", "end y", "start z"]);
    runs[0]!.finish();
    runs[2]!.finish();
    expect(await Promise.all(results)).toEqual(["x", "y", "z"]);
  });

  it("passes a failure to its caller and goes on with the key's next request", async () => {
    const admission = new LockAdmission(1);
    const failing = admission.run("k", () => Promise.reject(new Error("store failed")));
    const next = admission.run("k", () => Promise.resolve("next"));
    await expect(failing).rejects.toThrow("store failed");
    await expect(next).resolves.toBe("next");
    expect(admission.inFlightKeys).toBe(0);
  });

  it("never has more than maxHolders runs at once under many keys and requests", async () => {
    const admission = new LockAdmission(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        admission.run(`key-${i % 7}`, async () => {
          peak = Math.max(peak, ++running);
          await new Promise((resolve) => setTimeout(resolve, 1));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it("refuses a maxHolders that is not a positive integer", () => {
    expect(() => new LockAdmission(0)).toThrow(RangeError);
    expect(() => new LockAdmission(1.5)).toThrow(RangeError);
  });
});
