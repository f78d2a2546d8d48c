/**
 * The `gateway` container of docker-compose.yml: what `npm start` does after the services are up, in a container of
 * its own. It makes (or reuses) a local token issuer's key pair next to JWT_PUBLIC_KEY_FILE, writes an operator
 * token beside it (`docker compose exec gateway cat /tmp/data-exporter/auth/token`), starts the Experiment Manager
 * stand-in, composes the supergraph from request-api (DATA_EXPORTER_SUBGRAPH_URL) and runs the Hive gateway with
 * the repository's configuration on GATEWAY_PORT, on every interface of the container (compose publishes it on
 * 127.0.0.1 only). It exits when the gateway does, and compose restarts it.
 */
import { dirname, join } from "node:path";
import { writeFileSync } from "node:fs";
import { waitFor } from "@data-exporter/runtime";
import { devIssuer, operatorIdentity } from "../harness/auth.js";
import { startExperimentManager } from "../harness/experiment-manager.js";
import { startGateway } from "../harness/gateway.js";

const say = (message: string): void => void process.stdout.write(`[gateway] ${message}\n`);

function need(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    process.stderr.write(`[gateway] ${name} is not set (docker-compose.yml sets it)\n`);
    process.exit(2);
  }
  return value;
}

const subgraphUrl = need("DATA_EXPORTER_SUBGRAPH_URL");
const port = Number(need("GATEWAY_PORT"));
const publicKeyFile = need("JWT_PUBLIC_KEY_FILE");
const hmacSecret = need("GATEWAY_HMAC_SECRET");
const devTools = process.env.GATEWAY_DEV_TOOLS === "true";

const authDir = dirname(publicKeyFile);
const issuer = devIssuer(authDir);
if (issuer.publicKeyFile !== publicKeyFile)
  throw new Error(`JWT_PUBLIC_KEY_FILE must be named jwt-public.pem (the issuer writes ${issuer.publicKeyFile})`);
const tokenFile = join(authDir, "token");
writeFileSync(tokenFile, `${issuer.mint(operatorIdentity, 30 * 86_400)}\n`, { mode: 0o600 });
say(`operator token (role exporter-admin, valid 30 days) in ${tokenFile}`);

// request-api may still be starting (compose waits for its health check, but a restart can race it).
await waitFor(
  "request-api to answer",
  async () => ((await fetch(new URL("/healthz", subgraphUrl)).catch(() => undefined))?.ok === true ? true : undefined),
  { timeoutMs: 120_000, intervalMs: 500 },
);
const experiments = await startExperimentManager(Number(process.env.EXPERIMENT_MANAGER_PORT ?? 4006));
const gateway = await startGateway({
  subgraphs: [
    { name: "data-exporter", url: subgraphUrl },
    { name: "experiment-manager", url: experiments.url },
  ],
  supergraphFile: join(authDir, "supergraph.graphql"),
  port,
  host: "0.0.0.0",
  auth: { publicKeyFile, hmacSecret, devTools },
  onLine: (line) => void process.stdout.write(`${line}\n`),
});
say(`gateway ready on port ${port}`);
let stopping = false;
const stop = (): void => {
  stopping = true;
  void gateway.stop();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
const exit = await gateway.exit;
await experiments.close().catch(() => undefined);
// `docker stop` is a clean stop; the gateway dying by itself is not (compose restarts the container).
process.exit(stopping ? 0 : (exit.code ?? 1));
