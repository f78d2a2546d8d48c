import { describe, expect, it } from "@jest/globals";
import { Statement, StatementStore } from "../src/statements.js";

const target = { clusterIdentifier: "c", database: "dev" };
const batch = (): Statement =>
  new Statement({ sqls: ["select 1", "select 2", "select 3"], isBatch: true, target, parameters: [] });

describe("Statement", () => {
  it("moves forward through the Data API's statuses and numbers a batch's sub-statements", () => {
    const s = batch();
    expect(s.subs.map((sub) => sub.id)).toEqual([`${s.id}:1`, `${s.id}:2`, `${s.id}:3`]);
    expect(s.status).toBe("SUBMITTED");
    s.picked();
    expect([s.status, s.subs[2]?.status]).toEqual(["PICKED", "PICKED"]);
    const [first, second, third] = s.subs;
    if (first === undefined || second === undefined || third === undefined) throw new Error("three subs");
    s.started(first, 7);
    s.subFinished(first, { resultRows: 1, resultSize: 3, result: { columns: [], rows: [["1"]] } });
    s.started(second, 8);
    expect(s.status).toBe("STARTED");
    expect(s.durationNs).toBe(-1);
    s.ended("FAILED", "ERROR: boom");
    expect([s.status, s.error]).toEqual(["FAILED", "ERROR: boom"]);
    expect(s.subs.map((sub) => [sub.status, sub.error])).toEqual([
      ["FINISHED", undefined],
      ["FAILED", "ERROR: boom"],
      ["ABORTED", undefined],
    ]);
    expect(s.hasResultSet).toBe(true);
    expect(s.durationNs).toBeGreaterThanOrEqual(0);
    // Terminal is final.
    s.finished();
    expect(s.status).toBe("FAILED");
  });

  it("settles when it ends, or after the wait", async () => {
    const s = batch();
    const started = Date.now();
    await s.settle(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    setTimeout(() => s.finished(), 10);
    await s.settle(5000);
    expect(s.status).toBe("FINISHED");
  });
});

describe("StatementStore", () => {
  it("finds statements and sub-statements, lists newest first, and remembers client tokens", () => {
    const store = new StatementStore(10);
    const a = batch();
    const b = new Statement({ sqls: ["select 1"], isBatch: false, target, parameters: [] });
    store.add(a, "token-a");
    store.add(b);
    expect(store.find(a.id)?.sub).toBeUndefined();
    expect(store.find(`${a.id}:2`)?.sub?.sql).toBe("select 2");
    expect(store.find(`${a.id}:4`)).toBeUndefined();
    expect(store.find(`${b.id}:1`)).toBeUndefined();
    expect(store.list()).toEqual([b, a]);
    expect(store.byClientToken("token-a")).toBe(a);
    expect(store.activeCount()).toBe(2);
  });

  it("forgets the oldest finished statements beyond its limit, never running ones", () => {
    const store = new StatementStore(2);
    const running = batch();
    const done = [batch(), batch()];
    store.add(running);
    for (const s of done) {
      s.finished();
      store.add(s, `t-${s.id}`);
    }
    expect(store.list()).toEqual([done[1], running]);
    expect(store.byClientToken(`t-${done[0]?.id}`)).toBeUndefined();
  });
});
