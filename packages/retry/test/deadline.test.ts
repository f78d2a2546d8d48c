import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "@jest/globals";
import { deadline } from "../src/deadline.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("deadline", () => {
  it("aborts a composite signal with a TimeoutError, even after garbage collections", async () => {
    const other = new AbortController();
    const timeout = deadline(150, "the unload");
    const signal = AbortSignal.any([other.signal, timeout.signal]);
    // AbortSignal.timeout(150) in its place never fires here on Node 20: collected, it takes the composite with it.
    for (let i = 0; i < 5; i++) {
      gc();
      await wait(10);
    }
    await wait(300);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ name: "TimeoutError", message: "the unload timed out after 150 ms" });
  });

  it("does not fire once cleared", async () => {
    const timeout = deadline(20);
    timeout.clear();
    await wait(60);
    expect(timeout.signal.aborted).toBe(false);
  });
});
