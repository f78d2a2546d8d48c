import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { PlannerState } from "../../src/adapters/planner-state.js";
import type { OutboxEvent } from "../../src/handlers/plan-store.js";

let pool: pg.Pool;
let state: PlannerState;
const schema = `ps_test_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 4 });
  state = new PlannerState(pool, schema);
  await state.migrate();
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
});

const planned = (requestId: string): OutboxEvent =>
  ({ topic: "exportLifecycle", type: "ExportPlanned", value: { requestId, tables: [] } }) as unknown as OutboxEvent;
const command = (requestId: string, table: string): OutboxEvent =>
  ({ topic: "unloadCommands", type: "UnloadTableCommand", value: { requestId, table } }) as unknown as OutboxEvent;
const claim = (requestId: string, exportDate: string, force = false) => ({
  exportDate,
  requestId,
  triggeredAt: Date.UTC(2024, 3, 8),
  triggeredBy: "operator",
  force,
});
const queuedFor = async (requestId: string) =>
  (await state.unpublished(1000)).filter((e) => (e.value as { requestId: string }).requestId === requestId);

describe("PlannerState", () => {
  it("records the plan and queues its events in one step, in order", async () => {
    const id = randomUUID();
    expect(
      await state.commit({
        requestId: id,
        configVersion: "c",
        events: [planned(id), command(id, "a"), command(id, "b")],
      }),
    ).toEqual({ committed: true, forcedCount: 0 });
    expect(await state.wasPlanned(id)).toBe(true);
    expect((await queuedFor(id)).map((e) => e.type)).toEqual([
      "ExportPlanned",
      "UnloadTableCommand",
      "UnloadTableCommand",
    ]);
    // A redelivery of the same request queues nothing more.
    await state.commit({ requestId: id, configVersion: "c", events: [planned(id)] });
    expect(await queuedFor(id)).toHaveLength(3);
  });

  it("stores the trace context of the plan's handling with each queued event", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const traced = new PlannerState(pool, schema, { traceparent: () => traceparent });
    const id = randomUUID();
    await traced.commit({ requestId: id, configVersion: "c", events: [planned(id), command(id, "a")] });
    expect((await queuedFor(id)).map((e) => e.traceparent)).toEqual([traceparent, traceparent]);
    const untraced = randomUUID();
    await state.commit({ requestId: untraced, configVersion: "c", events: [planned(untraced)] });
    expect((await queuedFor(untraced)).map((e) => e.traceparent)).toEqual([null]);
  });

  it("records nothing for a trigger that loses its date, and hands the date over with force", async () => {
    const date = `2030-01-${String(10 + (randomBytes(1)[0]! % 18)).padStart(2, "0")}`;
    const [first, second, forced] = [randomUUID(), randomUUID(), randomUUID()];
    expect(
      await state.commit({ requestId: first, configVersion: "c", events: [planned(first)], claim: claim(first, date) }),
    ).toMatchObject({ committed: true });
    expect(
      await state.commit({
        requestId: second,
        configVersion: "c",
        events: [planned(second)],
        claim: claim(second, date),
      }),
    ).toMatchObject({ committed: false, existingRequestId: first });
    expect([await state.wasPlanned(second), await queuedFor(second)]).toEqual([false, []]);
    expect(
      await state.commit({
        requestId: forced,
        configVersion: "c",
        events: [planned(forced)],
        claim: claim(forced, date, true),
      }),
    ).toEqual({ committed: true, forcedCount: 1 });
  });

  it("records all or nothing: a plan whose events cannot be queued leaves no trace", async () => {
    const id = randomUUID();
    const broken = {
      topic: "exportLifecycle",
      type: "ExportPlanned",
      value: { bad: "\u0000" },
    } as unknown as OutboxEvent;
    await expect(
      state.commit({ requestId: id, configVersion: "c", events: [planned(id), broken] }),
    ).rejects.toMatchObject({
      code: "SCHEDULE_STORE",
    });
    expect([await state.wasPlanned(id), await queuedFor(id)]).toEqual([false, []]);
  });

  it("marks relayed events published, and lets one relay run at a time", async () => {
    const id = randomUUID();
    await state.commit({ requestId: id, configVersion: "c", events: [planned(id)] });
    const [queued] = await queuedFor(id);
    await state.markPublished([queued!.id]);
    expect(await queuedFor(id)).toEqual([]);

    let inner = "not run";
    await state.exclusively(async () => {
      await state.exclusively(() => Promise.resolve(void (inner = "ran")));
    });
    expect(inner).toBe("not run");
  });
});
