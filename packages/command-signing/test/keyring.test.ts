import { describe, expect, it } from "@jest/globals";
import { SigningError, SigningKeyring, type SigningKey, type SigningKeys } from "../src/index.js";

const v = (n: number): SigningKey => ({ versionId: `v${n}`, secret: `secret-${n}-`.padEnd(32, "x") });

/** A secret store whose staged versions a test moves, counting reads. */
class FakeStore {
  keys: SigningKeys = { current: v(1) };
  reads = 0;
  down = false;
  load = (): Promise<SigningKeys> => {
    this.reads++;
    if (this.down) return Promise.reject(new SigningError("SIGNING_KEY_UNAVAILABLE", "down", { retryable: true }));
    return Promise.resolve(this.keys);
  };
  rotate(n: number): void {
    this.keys = { current: v(n), previous: this.keys.current };
  }
}

function setup(options: { refreshMs?: number; minReloadIntervalMs?: number } = {}) {
  const store = new FakeStore();
  let now = 0;
  const slept: number[] = [];
  const rotations: string[] = [];
  const keyring = new SigningKeyring({
    load: store.load,
    refreshMs: options.refreshMs ?? 60_000,
    minReloadIntervalMs: options.minReloadIntervalMs ?? 0,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    onRotated: (keys) => rotations.push(keys.current.versionId),
  });
  return { store, keyring, slept, rotations, advance: (ms: number) => (now += ms) };
}

describe("SigningKeyring", () => {
  it("reads the store once, then again only when the keys are older than refreshMs", async () => {
    const { store, keyring, advance, rotations } = setup({ refreshMs: 1000 });
    expect(await keyring.current()).toEqual(v(1));
    expect(await keyring.current()).toEqual(v(1));
    expect(store.reads).toBe(1);
    store.rotate(2);
    advance(999);
    expect((await keyring.current()).versionId).toBe("v1");
    advance(1);
    expect((await keyring.current()).versionId).toBe("v2");
    expect(store.reads).toBe(2);
    expect(rotations).toEqual(["v1", "v2"]);
  });

  it("accepts the current and the previous version, and reads again for one it does not hold", async () => {
    const { store, keyring } = setup();
    expect(await keyring.accepted("v1")).toEqual(v(1));
    store.rotate(2);
    // Not held yet: one read finds it, and the previous one stays accepted.
    expect(await keyring.accepted("v2")).toEqual(v(2));
    expect(await keyring.accepted("v1")).toEqual(v(1));
    expect(store.reads).toBe(2);
    store.rotate(3);
    expect(await keyring.accepted("v3")).toEqual(v(3));
    // v1 is neither AWSCURRENT nor AWSPREVIOUS any more.
    expect(await keyring.accepted("v1")).toBeUndefined();
    expect(await keyring.accepted("v2")).toEqual(v(2));
  });

  it("reads at most once per minReloadIntervalMs for unknown versions, and shares one read", async () => {
    const { store, keyring, slept } = setup({ minReloadIntervalMs: 5000 });
    await keyring.current();
    const answers = await Promise.all(["x", "y", "z"].map((id) => keyring.accepted(id)));
    expect(answers).toEqual([undefined, undefined, undefined]);
    expect(store.reads).toBe(2);
    expect(slept).toEqual([5000]);
  });

  it("keeps the keys it holds while the store is down, and fails only without any", async () => {
    const { store, keyring, advance } = setup({ refreshMs: 1000 });
    store.down = true;
    await expect(keyring.current()).rejects.toMatchObject({ code: "SIGNING_KEY_UNAVAILABLE", retryable: true });
    store.down = false;
    await keyring.current();
    store.down = true;
    advance(5000);
    expect(await keyring.current()).toEqual(v(1));
    // An unknown version needs the store: that is retryable, not a refusal.
    await expect(keyring.accepted("v9")).rejects.toMatchObject({ retryable: true });
  });
});
