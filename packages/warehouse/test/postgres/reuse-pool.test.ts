import { describe, expect, it } from "@jest/globals";
import { ReusePool } from "../../src/postgres/loaded-duckdb-pool.js";

class Resource {
  closed = false;
  constructor(readonly id: number) {}
  close(): void {
    this.closed = true;
  }
}

function pool(): { pool: ReusePool<Resource>; opened: Resource[] } {
  const opened: Resource[] = [];
  return {
    opened,
    pool: new ReusePool(() => {
      const resource = new Resource(opened.length);
      opened.push(resource);
      return Promise.resolve(resource);
    }),
  };
}

describe("ReusePool", () => {
  it("hands a cleanly released resource to the next user instead of opening another", async () => {
    const { pool: p, opened } = pool();
    const first = await p.acquire();
    p.release(first, true);
    expect(await p.acquire()).toBe(first);
    expect(opened).toHaveLength(1);
  });

  it("opens one resource per concurrent user", async () => {
    const { pool: p, opened } = pool();
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    expect(a).not.toBe(b);
    p.release(a, true);
    p.release(b, true);
    expect(p.idle).toBe(2);
    expect(opened).toHaveLength(2);
  });

  it("closes a resource released after a failure and never hands it out again", async () => {
    const { pool: p, opened } = pool();
    const failed = await p.acquire();
    p.release(failed, false);
    expect(failed.closed).toBe(true);
    const next = await p.acquire();
    expect(next).not.toBe(failed);
    expect(opened).toHaveLength(2);
  });

  it("closes idle resources on close, those in use when they come back, and refuses new users", async () => {
    const { pool: p } = pool();
    const idle = await p.acquire();
    const busy = await p.acquire();
    p.release(idle, true);
    p.close();
    expect(idle.closed).toBe(true);
    expect(busy.closed).toBe(false);
    p.release(busy, true);
    expect(busy.closed).toBe(true);
    await expect(p.acquire()).rejects.toThrow("closed");
  });
});
