import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import {
  classifiedRows,
  classifiedTables,
  firstDemoDay,
  readParquet,
  requestData,
  type RequestStatusResult,
  serviceNames,
  startDeployment,
  type TestDeployment,
  waitForExport,
} from "../../dev/harness/index.js";
import { repoRoot } from "../../dev/stack/paths.js";

/**
 * What the image runs (infra/docker/Dockerfile): `npm run build`, then every service's dist/main.js with plain
 * node, its workspace packages resolved to their compiled dist/ (no tsx, no "source" condition). An on-demand export
 * goes through all of them on the real local stack, and request-api serves its status page from web/ as found from
 * dist/.
 */
let deployment: TestDeployment;
let status: RequestStatusResult;
let pool: pg.Pool;
let window: [number, number];

beforeAll(async () => {
  // tsc -b is incremental: after a first build this only checks that dist/ is current.
  await promisify(execFile)("npm", ["run", "build"], { cwd: repoRoot, timeout: 300_000 });
  // NODE_ENV as the image sets it (jest's own is "test", which the services would inherit).
  deployment = await startDeployment({ label: "compiled", code: "compiled", env: { NODE_ENV: "production" } });
  pool = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 2 });
  window = firstDemoDay(deployment);
  const requestId = await requestData(deployment.graphqlUrl, ...window);
  status = await waitForExport(deployment.graphqlUrl, requestId, 120_000).catch((error: Error) => {
    throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-60).join("\n")}`);
  });
}, 480_000);

afterAll(async () => {
  await pool?.end();
  await deployment?.stop();
});

describe("the services built with npm run build", () => {
  it("each run their compiled main.js with node alone, and answered ready", () => {
    expect(deployment.services.map((s) => s.name)).toEqual([...serviceNames]);
    for (const service of deployment.services) {
      const args = service.process.spawnargs.slice(1);
      expect(args).toEqual(["--enable-source-maps", join(repoRoot, "services", service.name, "dist", "main.js")]);
    }
  });

  it("complete an on-demand export together: Kafka consumers plan, unload and track it", async () => {
    expect(status.status).toBe("Completed");
    expect(Object.keys(status.dataRequestDownloadLinks).sort()).toEqual([...classifiedTables].sort());
    const table = "traffic_observation";
    const rows: Record<string, unknown>[] = [];
    for (const link of status.dataRequestDownloadLinks[table] ?? []) {
      const response = await fetch(link);
      expect(response.status).toBe(200);
      rows.push(...(await readParquet(new Uint8Array(await response.arrayBuffer()))).rows);
    }
    const expected = await classifiedRows(pool, {
      schema: deployment.names.warehouseSchema,
      table,
      window: [new Date(window[0] * 1000), new Date(window[1] * 1000)],
      hashKey: deployment.serviceEnv.HASH_KEY ?? "",
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.length).toBe(expected.length);
  });

  it("request-api serves the status page from web/ (a non-TypeScript asset) next to dist/", async () => {
    const response = await fetch(new URL("/exports", deployment.graphqlUrl));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(await readFile(join(repoRoot, "services/request-api/web/exports.html"), "utf8"));
  });
});
