import { describe, expect, it } from "@jest/globals";
import { admission } from "../../src/adapters/lock-admission.js";

/** A run that stays open until the test ends it, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { run: () => (started.push(name), done.then(() => name)), open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("admission", () => {
  it("runs at most `limit` at once and admits the waiting ones in arrival order as places free", async () => {
    const admit = admission(2);
    const started: string[] = [];
    const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => gate(started, n));
    const results = [a!, b!, c!, d!].map((g) => admit(g.run));
    await settle();
    expect(started).toEqual(["a", "b"]);
    b!.open();
    await settle();
    expect(started).toEqual(["a", "b", "c"]);
    a!.open();
    await settle();
    expect(started).toEqual(["a", "b", "c", "d"]);
    c!.open();
    d!.open();
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
  });

  it("frees the place of a run that failed, and passes its error on", async () => {
    const admit = admission(1);
    await expect(admit(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await admit(() => Promise.resolve("next"))).toBe("next");
  });

  it("refuses a limit that admits nothing", () => {
    expect(() => admission(0)).toThrow(RangeError);
  });
});
