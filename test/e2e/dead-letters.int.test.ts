import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import {
  awsClientConfig,
  crash,
  firstDemoDay,
  NotificationInbox,
  requestData,
  type RunningService,
  spawnEntryPoint,
  startDeployment,
  startExtraService,
  type TestDeployment,
  waitForExport,
} from "../../dev/harness/index.js";

/**
 * Dead letters fail visibly and can be re-driven: a command the unloader gives up on ends its table FAILED with the
 * reason (no request waits for work that will not happen); a notification the notifier gave up on is re-driven with
 * `dlq redrive` once SNS works again, exactly once however often it is re-driven.
 */
let deployment: TestDeployment;
let state: pg.Pool;

beforeAll(async () => {
  deployment = await startDeployment({ label: "dlq", services: ["request-api", "planner", "status-tracker"] });
  state = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 2 });
}, 120_000);

afterAll(async () => {
  await state?.end();
  await deployment?.stop();
});

/** Runs the status tracker's dlq tool (as an operator would, with the deployment's environment). */
async function dlq(...args: string[]): Promise<{ code: number; json: unknown; stderr: string }> {
  const child = spawnEntryPoint("services/status-tracker/src/dlq.ts", [...args, "--json"], deployment.serviceEnv);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 1)));
  return { code, json: stdout.trim() === "" ? undefined : (JSON.parse(stdout) as unknown), stderr };
}

interface ListedDeadLetter {
  id: string;
  consumerGroup: string;
  requestId: string | null;
  table: string | null;
  redrivenAt: string | null;
  redrive: { eligible: boolean; why?: string };
}
const listed = async (): Promise<ListedDeadLetter[]> =>
  ((await dlq("list")).json as { deadLetters: ListedDeadLetter[] }).deadLetters;

describe("a command the unloader gives up on", () => {
  it("ends its table FAILED with the reason, and is listed but not re-drivable", async () => {
    const unloader = await startExtraService(deployment, "unloader", {
      instance: "broken",
      env: { HANDLER_MAX_ATTEMPTS: "2" },
    });
    // The unloader's own table disappears (a bad migration, an operator's mistake): every command fails for good.
    // Migrations are versioned, so a restart does not re-create it: the fix is the operator's (renamed back below).
    const jobs = `"${deployment.names.statusSchema}".unload_jobs`;
    await state.query(`ALTER TABLE ${jobs} RENAME TO unload_jobs_misplaced`);
    const [start, end] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, start, end);
    const status = await waitForExport(deployment.graphqlUrl, requestId, 60_000);
    expect(status.status).toBe("Failed");
    expect(status.tables.length).toBeGreaterThan(0);
    for (const table of status.tables) {
      expect(table.status).toBe("FAILED");
      expect(table.error).toMatch(/^dead-lettered by data-exporter\.unloader after \d attempt\(s\) \(handler-failed/);
      expect(table.error).toMatch(/kept as dead letter \d+:\d+/);
    }
    const mine = (await listed()).filter((d) => d.requestId === requestId);
    expect(mine.map((d) => d.table).sort()).toEqual(status.tables.map((t) => t.tableName).sort());
    for (const d of mine)
      expect(d.redrive).toEqual({ eligible: false, why: "its table already ended FAILED; request the export again" });
    const redrive = (await dlq("redrive", mine[0]!.id)).json as { results: { redriven: boolean }[] };
    expect(redrive.results).toEqual([expect.objectContaining({ redriven: false })]);
    await crash(unloader);
    await state.query(`ALTER TABLE "${deployment.names.statusSchema}".unload_jobs_misplaced RENAME TO unload_jobs`);
  }, 120_000);
});

describe("a notification the notifier gives up on", () => {
  it("is re-driven after the fix, and sent exactly once however often it is re-driven", async () => {
    // Everything works but SNS: the notifier points at a topic that does not exist.
    const unloader = await startExtraService(deployment, "unloader", { instance: "ok" });
    const broken = await startExtraService(deployment, "notifier", {
      instance: "broken",
      env: { HANDLER_MAX_ATTEMPTS: "1", SNS_TOPIC_ARN: `${deployment.snsTopicArn}-missing` },
    });
    const [, end] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, end, end + 3600);
    expect((await waitForExport(deployment.graphqlUrl, requestId, 60_000)).status).toBe("Completed");
    const deadLetter = await waitFor("the notifier's dead letter", async () =>
      (await listed()).find((d) => d.requestId === requestId && d.consumerGroup === "data-exporter.notifier"),
    );
    expect(deadLetter.redrive).toEqual({ eligible: true });
    await crash(broken);
    const fixed: RunningService = await startExtraService(deployment, "notifier", { instance: "fixed" });

    const inbox = new NotificationInbox(deployment.notificationQueueUrl, awsClientConfig());
    expect(await dlq("redrive", deadLetter.id)).toMatchObject({
      code: 0,
      json: { results: [{ id: deadLetter.id, redriven: true }] },
    });
    await waitFor("the re-driven notification", async () => {
      await inbox.receive(1);
      return inbox.about(requestId).length > 0 ? true : undefined;
    });
    // Again, and with --all: skipped, said why; no second message.
    expect(((await dlq("redrive", deadLetter.id)).json as { results: { why?: string }[] }).results[0]?.why).toMatch(
      /^re-driven already/,
    );
    expect(
      ((await dlq("redrive", "--all")).json as { results: { id: string }[] }).results.map((r) => r.id),
    ).not.toContain(deadLetter.id);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await inbox.receive(1);
    expect(inbox.about(requestId)).toHaveLength(1);
    inbox.close();
    await fixed.stop();
    await unloader.stop();
  }, 150_000);
});
