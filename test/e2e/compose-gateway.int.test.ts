import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { waitFor } from "@data-exporter/runtime";
import {
  firstDemoDay,
  freePort,
  requestData,
  spawnEntryPoint,
  startDeployment,
  useBearerToken,
  type TestDeployment,
} from "../../dev/harness/index.js";
import { repoRoot } from "../../dev/stack/paths.js";

/**
 * docker-compose.yml's `gateway` container, whose entry point (dev/commands/compose-gateway.ts) cannot run under
 * compose here (no Docker): run as a process with the container's environment, only the addresses moved to the
 * test deployment. It must mint the operator token compose users read, and serve the API and the status page
 * through JWT authentication and signed subgraph requests, as npm start's gateway does.
 */
let deployment: TestDeployment;
let dir: string;
let gateway: ReturnType<typeof spawnEntryPoint>;
let url: string;
const output: string[] = [];

beforeAll(async () => {
  deployment = await startDeployment({ label: "cgw", services: ["request-api"] });
  dir = await mkdtemp(join(tmpdir(), "compose-gateway-"));
  const compose = parse(await readFile(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: { gateway: { environment: Record<string, string> } };
  };
  const port = await freePort();
  url = `http://127.0.0.1:${port}/graphql`;
  gateway = spawnEntryPoint("dev/commands/compose-gateway.ts", [], {
    ...compose.services.gateway.environment,
    DATA_EXPORTER_SUBGRAPH_URL: deployment.graphqlUrl,
    STATUS_PAGE_URL: new URL(deployment.graphqlUrl).origin,
    GATEWAY_PORT: String(port),
    JWT_PUBLIC_KEY_FILE: join(dir, "auth", "jwt-public.pem"),
    EXPERIMENT_MANAGER_PORT: String(await freePort()),
  });
  for (const stream of [gateway.stdout, gateway.stderr])
    createInterface({ input: stream }).on("line", (line) => void output.push(line));
  await waitFor(
    "the compose gateway to be ready",
    () => {
      if (gateway.exitCode !== null) throw new Error(`it exited ${gateway.exitCode}:\n${output.join("\n")}`);
      return output.some((line) => line.startsWith("[gateway] gateway ready")) ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
}, 240_000);

afterAll(async () => {
  if (gateway !== undefined && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway.once("exit", resolve));
    gateway.kill("SIGTERM");
    await exited;
  }
  await deployment?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("docker compose's gateway container", () => {
  it("writes an operator token that the gateway accepts for an export request", async () => {
    const token = (await readFile(join(dir, "auth", "token"), "utf8")).trim();
    useBearerToken(url, token);
    const [start, end] = firstDemoDay(deployment);
    const id = await requestData(url, start, end);
    expect(id).toEqual(expect.any(String));
    expect(id.length).toBeGreaterThan(0);
  });

  it("refuses a caller without a token", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("serves request-api's status page from its own origin (STATUS_PAGE_URL)", async () => {
    const response = await fetch(new URL("/exports", url));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("stops on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => gateway.once("exit", (code) => resolve(code)));
    gateway.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
