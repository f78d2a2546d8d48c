import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { repoRoot } from "../stack/paths.js";
import { devIssuer, gatewayExtensions, operatorIdentity, type DevIssuer } from "./auth.js";
import { startExperimentManager } from "./experiment-manager.js";
import { freePort } from "./free-port.js";
import { gatewayEnv } from "./service-env.js";
import { forEachLine, runningService, waitUntilReady, type RunningService } from "./services.js";
import { restartingService, type SupervisorOptions } from "./supervisor.js";

export interface Subgraph {
  readonly name: string;
  readonly url: string;
}

/** How the gateway authenticates callers and signs its subgraph requests (services/gateway/src/gateway-env.ts). */
export interface GatewayAuth {
  /** PEM public key the callers' RS256 tokens are verified with. */
  readonly publicKeyFile: string;
  /** Shared with request-api (GATEWAY_HMAC_SECRET). */
  readonly hmacSecret: string;
  /** GraphiQL and introspection (a developer's machine). */
  readonly devTools?: boolean;
}

/**
 * Asks each subgraph for its SDL (`_service { sdl }`, signed as the gateway signs: a subgraph answers nothing
 * else) and composes a Federation v2 supergraph.
 */
export async function composeSupergraph(subgraphs: readonly Subgraph[], hmacSecret: string): Promise<string> {
  const query = "{ _service { sdl } }";
  const services = await Promise.all(
    subgraphs.map(async ({ name, url }) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query,
          variables: {},
          extensions: gatewayExtensions(hmacSecret, { query, variables: {} }, operatorIdentity),
        }),
      });
      const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
      const sdl = body.data?._service?.sdl;
      if (!sdl) throw new Error(`subgraph ${name} at ${url} did not return its SDL`);
      return { name, url, typeDefs: parse(sdl) };
    }),
  );
  const result = composeServices(services);
  if (result.errors)
    throw new Error(`supergraph composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
}

/**
 * Runs @graphql-hive/gateway on a composed supergraph file with the repository's gateway configuration
 * (services/gateway/src/gateway.config.ts: JWT authentication, signed subgraph requests), as the platform's gateway
 * would serve our subgraph. With `restart`, a gateway process that dies is started again on the same supergraph
 * (npm start).
 */
export async function startGateway(options: {
  subgraphs: readonly Subgraph[];
  supergraphFile: string;
  port: number;
  /** The address it listens on (default 127.0.0.1; docker compose's container: 0.0.0.0). */
  host?: string;
  auth: GatewayAuth;
  onLine?: (line: string) => void;
  restart?: Omit<SupervisorOptions<RunningService>, "name">;
}): Promise<RunningService> {
  await writeFile(options.supergraphFile, await composeSupergraph(options.subgraphs, options.auth.hmacSecret));
  // request-api serves the /exports status page; the gateway forwards it from its own origin.
  const dataExporter = options.subgraphs.find((subgraph) => subgraph.name === "data-exporter");
  const env = {
    ...process.env,
    // The configuration is TypeScript (Hive's importer transpiles it); its workspace imports resolve to sources too.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, "--conditions=source"].filter(Boolean).join(" "),
    ...gatewayEnv({
      publicKeyFile: options.auth.publicKeyFile,
      hmacSecret: options.auth.hmacSecret,
      devTools: options.auth.devTools ?? false,
      statusPageUrl: dataExporter === undefined ? undefined : new URL(dataExporter.url).origin,
    }),
  };
  const healthUrl = `http://127.0.0.1:${options.port}`;
  const spawnGateway = (): RunningService => {
    const child = spawn(
      join(repoRoot, "node_modules", ".bin", "hive-gateway"),
      [
        "supergraph",
        options.supergraphFile,
        "--config-path",
        join(repoRoot, "services", "gateway", "src", "gateway.config.ts"),
        "--host",
        options.host ?? "127.0.0.1",
        "--port",
        String(options.port),
      ],
      { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    forEachLine([child.stdout, child.stderr], (line) => options.onLine?.(line));
    return runningService(child, { name: "gateway", healthUrl, readyUrl: `${healthUrl}/readiness` }, 10_000);
  };
  const gateway =
    options.restart === undefined
      ? spawnGateway()
      : restartingService(spawnGateway, { name: "gateway", ...options.restart });
  try {
    await waitUntilReady(gateway, 60_000);
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return gateway;
}

/** A gateway in front of a test deployment's request-api and the Experiment Manager stand-in, with a token issuer. */
export interface DeploymentGateway {
  readonly url: string;
  /** The /exports status page, served through the gateway (same origin as url). */
  readonly statusPageUrl: string;
  readonly issuer: DevIssuer;
  stop(): Promise<void>;
}

/** Starts the gateway on a free port over the deployment's request-api and an Experiment Manager stand-in. */
export async function startDeploymentGateway(
  deployment: { readonly graphqlUrl: string; readonly serviceEnv: Readonly<Record<string, string>> },
  options: { onLine?: (line: string) => void } = {},
): Promise<DeploymentGateway> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "gateway-"));
  const issuer = devIssuer(dir);
  const experiments = await startExperimentManager();
  const gateway = await startGateway({
    subgraphs: [
      { name: "data-exporter", url: deployment.graphqlUrl },
      { name: "experiment-manager", url: experiments.url },
    ],
    supergraphFile: join(dir, "supergraph.graphql"),
    port,
    auth: { publicKeyFile: issuer.publicKeyFile, hmacSecret: deployment.serviceEnv.GATEWAY_HMAC_SECRET ?? "" },
    ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    statusPageUrl: `http://127.0.0.1:${port}/exports`,
    issuer,
    stop: async () => {
      await gateway.stop();
      await experiments.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
