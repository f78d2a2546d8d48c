import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { S3ObjectStore } from "@data-exporter/object-store";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import {
  awsClientConfig,
  defineView,
  exportOnlySlowViews,
  firstDemoDay,
  NotificationInbox,
  readParquet,
  stackFromEnv,
  startDeployment,
  startDeploymentGateway,
  waitForViewQuery,
  type DeploymentGateway,
  type ReceivedNotification,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * cancelExport and retryExport as a caller uses them, through the running gateway: a running unload stops (its
 * warehouse query cancelled) and publishes nothing, the export reads Cancelled and is announced once; a retry runs
 * only the tables that did not complete, under the same request id, and keeps the completed ones' files and links.
 */
const QUICK = "quick_view";
const SLOW = "slow_view";
const ROWS = 25;
let deployment: TestDeployment;
let gateway: DeploymentGateway;
let inbox: NotificationInbox;
let window: [number, number];
const tokens = { alice: "", bob: "" };

interface ExportFile {
  key: string;
  url: string;
  sha256: string;
}
interface TableView {
  tableName: string;
  status: string;
  rows: number | null;
  error: string | null;
  files: ExportFile[];
}
interface ExportView {
  id: string;
  status: string;
  run: number;
  tables: TableView[];
}
interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const exportFields = "id status run tables { tableName status rows error files { key url sha256 } }";

async function gql<T>(who: keyof typeof tokens, query: string, variables: Record<string, unknown>): Promise<Answer<T>> {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tokens[who]}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer<T>;
}

async function exportOf(id: string): Promise<ExportView> {
  const answer = await gql<{ exportRequest: ExportView }>(
    "alice",
    `query ($id: ID!) { exportRequest(id: $id) { ${exportFields} } }`,
    { id },
  );
  if (!answer.data?.exportRequest) throw new Error(`exportRequest failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.exportRequest;
}

const mutate = (who: keyof typeof tokens, name: "cancelExport" | "retryExport", id: string) =>
  gql<Record<string, ExportView>>(who, `mutation ($id: ID!) { ${name}(id: $id) { ${exportFields} } }`, { id });

async function requestExport(force: boolean): Promise<string> {
  const answer = await gql<{ requestData: string }>(
    "alice",
    "mutation ($s: Int!, $e: Int!, $f: Boolean) { requestData(startTime: $s, endTime: $e, force: $f) }",
    { s: window[0], e: window[1], f: force },
  );
  if (!answer.data?.requestData) throw new Error(`requestData failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.requestData;
}

const tableOf = (view: ExportView, table: string): TableView => {
  const found = view.tables.find((t) => t.tableName === table);
  if (!found) throw new Error(`no table ${table} in ${JSON.stringify(view)}`);
  return found;
};

async function waitForStatus(id: string, status: string, run: number, timeoutMs = 60_000): Promise<ExportView> {
  return waitFor(
    `export ${id} to read ${status} in run ${run}`,
    async () => {
      const view = await exportOf(id);
      return view.status === status && view.run === run ? view : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-40).join("\n")}`);
  });
}

/** The notifications of one export, collected until `count` arrived, then a little longer to catch any extra one. */
async function notificationsOf(id: string, count: number): Promise<ReceivedNotification[]> {
  const mine = () => inbox.all.filter((n) => n.attributes["requestId"] === id);
  await waitFor(`${count} notification(s) of ${id}`, async () => {
    await inbox.receive(1);
    return mine().length >= count ? true : undefined;
  });
  await inbox.receive(2);
  return mine();
}

async function rowsBehind(file: ExportFile): Promise<number> {
  const response = await fetch(file.url);
  expect(response.status).toBe(200);
  return (await readParquet(new Uint8Array(await response.arrayBuffer()))).rows.length;
}

beforeAll(async () => {
  deployment = await startDeployment({ label: "cancel-retry" });
  await exportOnlySlowViews(deployment, { tables: [SLOW], quick: [QUICK], rows: ROWS, sleepSeconds: 300 });
  gateway = await startDeploymentGateway(deployment);
  inbox = new NotificationInbox(deployment.notificationQueueUrl, awsClientConfig());
  window = firstDemoDay(deployment);
  tokens.alice = gateway.issuer.mint({ sub: "alice", roles: [] });
  tokens.bob = gateway.issuer.mint({ sub: "bob", roles: [] });
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await deployment?.stop();
});

describe("cancelExport, then retryExport of the cancelled export", () => {
  let id: string;
  let quickFiles: ExportFile[];

  it("stops a running unload: its query is cancelled, it publishes nothing, the export reads Cancelled once", async () => {
    id = await requestExport(false);
    const pid = await waitForViewQuery(SLOW, 60_000);
    const running = await waitForStatus(id, "In Progress", 0);
    expect(tableOf(running, SLOW).status).toBe("IN-PROGRESS");

    expect((await mutate("bob", "cancelExport", id)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const asked = await mutate("alice", "cancelExport", id);
    expect(asked.errors).toBeUndefined();
    expect(asked.data?.["cancelExport"]?.id).toBe(id);

    // The unload of the 300-second view stops within seconds, well before UNLOAD_TIMEOUT_MS.
    const cancelled = await waitForStatus(id, "Cancelled", 0, 30_000);
    expect(tableOf(cancelled, SLOW)).toMatchObject({ status: "CANCELLED", files: [] });
    expect(tableOf(cancelled, SLOW).error).toMatch(/cancelled by alice/);
    const quick = tableOf(cancelled, QUICK);
    expect(quick).toMatchObject({ status: "COMPLETED", rows: ROWS });
    quickFiles = quick.files;
    expect(quickFiles).toHaveLength(1);

    // The warehouse statement was cancelled, not left to sleep: its session runs nothing over the view any more.
    const warehouse = new pg.Pool({ connectionString: stackFromEnv().endpoints.warehouseUrl, max: 1 });
    try {
      await waitFor("the cancelled query to leave the warehouse", async () => {
        const { rows } = await warehouse.query(
          `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND position($1 in query) > 0 AND pid = $2`,
          [SLOW, pid],
        );
        return rows.length === 0 ? true : undefined;
      });
    } finally {
      await warehouse.end();
    }
    // Nothing of the cancelled table is in the bucket's listing.
    const store = S3ObjectStore.fromConfig({
      bucket: deployment.names.bucket,
      ...awsClientConfig(),
      forcePathStyle: true,
    });
    const listed = await store.list("");
    expect(listed.filter((o) => o.key.includes(`/${SLOW}/`))).toEqual([]);
    expect(listed.filter((o) => o.key.includes(`/${QUICK}/`)).length).toBeGreaterThan(0);

    const notified = await notificationsOf(id, 1);
    expect(notified.map((n) => n.attributes["status"])).toEqual(["CANCELLED"]);
    expect(notified[0]?.message).toContain("Cancelled by: alice");

    const again = await mutate("alice", "cancelExport", id);
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  }, 150_000);

  it("retries only the cancelled table, as the same request, keeping the completed table's files and links", async () => {
    await defineView(deployment, SLOW, ROWS, "quick");
    expect((await mutate("bob", "retryExport", id)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const asked = await mutate("alice", "retryExport", id);
    expect(asked.errors).toBeUndefined();

    const done = await waitForStatus(id, "Completed", 1);
    const quick = tableOf(done, QUICK);
    expect(quick.files.map((f) => [f.key, f.sha256])).toEqual(quickFiles.map((f) => [f.key, f.sha256]));
    expect(await rowsBehind(quickFiles[0]!)).toBe(ROWS);
    const slow = tableOf(done, SLOW);
    expect(slow).toMatchObject({ status: "COMPLETED", rows: ROWS, error: null });
    expect(await rowsBehind(slow.files[0]!)).toBe(ROWS);

    const notified = await notificationsOf(id, 2);
    expect(notified.map((n) => n.attributes["status"])).toEqual(["CANCELLED", "SUCCESS"]);
    expect(notified[1]?.subject).toContain("retry 1");

    const nothingLeft = await mutate("alice", "retryExport", id);
    expect(nothingLeft.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  }, 150_000);
});

describe("retryExport of a partially failed export", () => {
  it("runs the failed table again once its cause is fixed; the completed table is not exported again", async () => {
    await defineView(deployment, SLOW, ROWS, "broken");
    const id = await requestExport(true);
    const partial = await waitForStatus(id, "Partially Completed", 0);
    expect(tableOf(partial, SLOW)).toMatchObject({ status: "FAILED", files: [] });
    expect(tableOf(partial, SLOW).error).toMatch(/division by zero/i);
    const quickFiles = tableOf(partial, QUICK).files;

    await defineView(deployment, SLOW, ROWS, "quick");
    const retried = await mutate("alice", "retryExport", id);
    expect(retried.errors).toBeUndefined();
    // It answers with the first run's outcome: the caller waits for run 1.
    expect(retried.data?.["retryExport"]).toMatchObject({ status: "Partially Completed", run: 0 });
    const done = await waitForStatus(id, "Completed", 1);
    expect(tableOf(done, QUICK).files).toEqual(
      quickFiles.map((f) => expect.objectContaining({ key: f.key, sha256: f.sha256 }) as unknown),
    );
    expect(tableOf(done, SLOW)).toMatchObject({ status: "COMPLETED", rows: ROWS });
    expect(await rowsBehind(tableOf(done, SLOW).files[0]!)).toBe(ROWS);
  }, 150_000);
});
