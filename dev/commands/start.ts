/**
 * npm start: provisions and starts the local stack, creates the exporter's resources, loads the demo data, starts the
 * services (the pipeline's six and the Delta Sharing server) and the gateway, runs one on-demand export of a demo day
 * and the scheduled export of a demo date, prints the endpoints, and stays in the
 * foreground until Ctrl-C or `npm stop`, when it stops everything it started. A service or gateway process that
 * dies meanwhile is started again with backoff, as Kubernetes restarts a container (harness/supervisor.ts).
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSeedParams, demoScales } from "@data-exporter/demo-data";
import { formatFailure, wantsStackTraces } from "../stack/failure-message.js";
import { ensureStack, stackEnv, stopStack, type EnsureResult } from "../stack/stack.js";
import { profileDirs } from "../stack/paths.js";
import { isAlive } from "../stack/processes.js";
import { recordedStartPid, startPidFile } from "./start-pid.js";
import { exportReport } from "../harness/export-report.js";
import { redshiftHistory, unloadsIn } from "../harness/redshift-history.js";
import { startExperimentManager } from "../harness/experiment-manager.js";
import { startGateway } from "../harness/gateway.js";
import { devIssuer, operatorIdentity } from "../harness/auth.js";
import { requestData, useBearerToken, waitForExport } from "../harness/graphql/client.js";
import { formatLogLine } from "../harness/log-format.js";
import { defaultDeployment, firstDemoDay, provisionDeployment, warehouseKindOf } from "../harness/provision.js";
import {
  serviceNames,
  sharingServiceName,
  spawnService,
  waitUntilReady,
  type RunningService,
} from "../harness/services.js";
import { serviceDatabaseEnv } from "../harness/service-database-env.js";
import { runTrigger } from "../harness/trigger.js";
import { newRecipient, withRecipient } from "../../services/sharing-server/src/domain/recipient-profile.js";
import { startGatewayAuth, startHealthPorts, startServiceEnv } from "../harness/service-env.js";
import { restartingService, type SupervisorOptions } from "../harness/supervisor.js";
import { prepareSecuredTopics, securedClientEnv } from "../harness/secured-kafka.js";

const say = (message: string): void => void process.stdout.write(`[start] ${message}\n`);
const apiPort = Number(process.env.REQUEST_API_PORT ?? 4001);
const gatewayPort = Number(process.env.GATEWAY_PORT ?? 4000);
const experimentManagerPort = Number(process.env.EXPERIMENT_MANAGER_PORT ?? 4007);
const sharingPort = Number(process.env.DELTA_SHARING_PORT ?? 4080);
// request-api serves health on its API port; the other pipeline services follow it (4002-4006 by default), so moving
// REQUEST_API_PORT moves all six, e.g. for a second checkout on the same machine.
const healthPorts = startHealthPorts(apiPort);
const scale = (process.env.DEMO_SCALE ?? "default") as keyof typeof demoScales;

const stateDir = profileDirs("dev").root;
/** The operator's token npm start writes for curl and scripts (README examples read it). */
const tokenFile = join(stateDir, "token");
const logDir = join(stateDir, "logs", "services");
/** The Delta Sharing server's shares and recipients, and the local recipient's profile (README, Delta Sharing). */
const sharingConfigFile = join(stateDir, "delta-sharing.json");
const sharingProfileFile = join(stateDir, "delta-sharing.share");

/**
 * The local recipient `local` (both schemas of share `exports`) with a new token each start, written to the sharing
 * configuration (other recipients an operator added there are kept) and to the profile a client reads.
 */
function writeLocalRecipient(endpoint: string): void {
  const existing: Record<string, unknown> = existsSync(sharingConfigFile)
    ? (JSON.parse(readFileSync(sharingConfigFile, "utf8")) as Record<string, unknown>)
    : { shares: [{ name: "exports", scheduled: { tables: "*" }, onDemand: { requestedBy: "*" } }], recipients: [] };
  const local = newRecipient({
    name: "local",
    shares: ["exports"],
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
    endpoint,
  });
  writeFileSync(sharingConfigFile, `${JSON.stringify(withRecipient(existing, local.entry), null, 2)}\n`);
  writeFileSync(sharingProfileFile, `${JSON.stringify(local.profile, null, 2)}\n`, { mode: 0o600 });
}

/** The Melbourne calendar day after the demo data's first instant: a whole scheduled day of demo data. */
function demoExportDate(seedStart: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Australia/Melbourne" }).format(
    new Date(seedStart.getTime() + 86_400_000),
  );
}

/** The request's UNLOAD statements as Redshift's history (the emulator's ListStatements) holds them. */
async function unloadReport(env: Readonly<Record<string, string>>, requestId: string): Promise<string[]> {
  const unloads = unloadsIn(await redshiftHistory(env.REDSHIFT_DATA_ENDPOINT ?? "", requestId));
  return [
    `Redshift ListStatements: ${unloads.length} UNLOAD statements for ${requestId}`,
    ...unloads.map((s) => {
      const unload = s.texts.find((t) => /^\s*UNLOAD\b/i.test(t)) ?? "";
      const from = /FROM ("[^"]+"\."[^"]+")/.exec(unload)?.[1] ?? "?";
      return `  ${s.id} ${s.status} UNLOAD (SELECT ... FROM ${from} ...) TO '${/TO '([^']+)'/.exec(unload)?.[1] ?? "?"}'`;
    }),
  ];
}

async function main(): Promise<void> {
  const running = recordedStartPid();
  if (running !== undefined && isAlive(running)) {
    say(`npm start is already running (pid ${running}); use it, or stop it with npm stop`);
    process.exit(1);
  }
  if (!(scale in demoScales)) throw new Error(`DEMO_SCALE must be one of ${Object.keys(demoScales).join(", ")}`);
  const warehouse = warehouseKindOf(process.env.WAREHOUSE);
  mkdirSync(logDir, { recursive: true });
  writeFileSync(startPidFile, String(process.pid));

  const began = Date.now();
  // Ctrl-C or `npm stop` during provisioning aborts it: ensureStack then stops what it had started.
  const interrupted = new AbortController();
  const provisioning = ensureStack("dev", { log: (m) => say(m), signal: interrupted.signal });
  const services: RunningService[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    interrupted.abort();
    if (services.length > 0) say("stopping services");
    await Promise.all([...services].reverse().map((service) => service.stop()));
    const stack: EnsureResult | undefined = await provisioning.catch(() => undefined);
    if (stack !== undefined && stack.started.length > 0) {
      say(`stopping ${stack.started.join(", ")}`);
      await stopStack("dev", { components: stack.started, log: (m) => say(m) });
    }
    rmSync(startPidFile, { force: true });
    say("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  // Kubernetes' restartPolicy Always: a process that dies is started again, until stopAll.
  const restart: Omit<SupervisorOptions<RunningService>, "name"> = {
    log: say,
    onRestart: (service, restarts) =>
      say(`${service.name} started again (pid ${service.process.pid}, restart ${restarts})`),
  };

  try {
    const stack = await provisioning;
    const env = stackEnv(stack.endpoints);
    Object.assign(process.env, env);
    say(
      `stack ready in ${((Date.now() - began) / 1000).toFixed(1)} s (started: ${stack.started.join(", ") || "none"}; reused: ${stack.reused.join(", ") || "none"})`,
    );

    const params = demoScales[scale] ?? defaultSeedParams;
    const deployment = await provisionDeployment(stack.endpoints, defaultDeployment, params, env, warehouse);
    const { seed } = deployment;
    say(
      `demo data ${seed.skipped ? "already loaded" : "loaded"}: ${Object.entries(seed.rowCounts)
        .map(([t, n]) => `${t}=${n}`)
        .join(", ")}` + ` (${seed.window.start.toISOString()} to ${seed.window.end.toISOString()})`,
    );

    // KAFKA_SECURITY=sasl_ssl: the services connect through the secured listener, each as its own SCRAM user with
    // only its topics' ACLs (granted here as the platform would), as in the secured-listener e2e test.
    const secured = env.KAFKA_SECURE_BROKERS !== undefined;
    if (secured) {
      await prepareSecuredTopics(defaultDeployment.topicNamespace);
      say(
        `Kafka: services connect to the secured listener ${env.KAFKA_SECURE_BROKERS} (TLS + SCRAM, per-service ACLs)`,
      );
    }
    // After Ctrl-C nothing new is started: stopAll is already stopping what exists.
    if (stopping) return;
    for (const name of serviceNames) {
      const logFile = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
      const spawn = (): RunningService =>
        spawnService(name, {
          healthPort: healthPorts[name],
          env: {
            ...startServiceEnv(name, deployment.serviceEnv, apiPort),
            ...(secured ? securedClientEnv(name) : {}),
          },
          onLine: (service, line) => {
            logFile.write(`${line}\n`);
            process.stdout.write(`${formatLogLine(service, line)}\n`);
          },
        });
      services.push(restartingService(spawn, { name, ...restart }));
    }
    // Delta Sharing: recipients read the exports with Spark, Databricks or pandas (README, Delta Sharing).
    const sharingEndpoint = `http://127.0.0.1:${sharingPort}/delta-sharing`;
    writeLocalRecipient(sharingEndpoint);
    say(`Delta Sharing: the local recipient's profile is ${sharingProfileFile} (token valid 30 days)`);
    {
      const logFile = createWriteStream(join(logDir, `${sharingServiceName}.log`), { flags: "a" });
      const spawn = (): RunningService =>
        spawnService(sharingServiceName, {
          healthPort: sharingPort,
          env: {
            ...serviceDatabaseEnv(sharingServiceName, deployment.serviceEnv),
            PORT: String(sharingPort),
            SHARING_CONFIG_FILE: sharingConfigFile,
          },
          onLine: (service, line) => {
            logFile.write(`${line}\n`);
            process.stdout.write(`${formatLogLine(service, line)}\n`);
          },
        });
      services.push(restartingService(spawn, { name: sharingServiceName, ...restart }));
    }
    // A service that crashes while starting is restarted too; give its backoff time before giving up.
    await Promise.all(services.map((service) => waitUntilReady(service, 120_000)));
    const subgraphUrl = `http://127.0.0.1:${apiPort}/graphql`;
    // request-api is a subgraph: the platform's Hive gateway composes it with the other subgraphs.
    const gatewayLog = createWriteStream(join(logDir, "gateway.log"), { flags: "a" });
    // Callers authenticate at the gateway with a JWT; locally npm start is the token issuer (keys in .local/dev/auth).
    const issuer = devIssuer(join(stateDir, "auth"));
    // The platform composes request-api with other teams' subgraphs: a stand-in for Experiment Manager here.
    const experiments = await startExperimentManager(experimentManagerPort);
    const gateway = await startGateway({
      subgraphs: [
        { name: "data-exporter", url: subgraphUrl },
        { name: "experiment-manager", url: experiments.url },
      ],
      supergraphFile: join(stateDir, "supergraph.graphql"),
      port: gatewayPort,
      auth: startGatewayAuth(issuer.publicKeyFile, deployment.serviceEnv),
      onLine: (line) => gatewayLog.write(`${line}\n`),
      restart,
    });
    services.push(gateway);
    if (stopping) await gateway.stop();
    const graphqlUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    // request-api's page, served through the gateway so it shares the GraphQL endpoint's origin.
    const statusPageUrl = `http://127.0.0.1:${gatewayPort}/exports`;
    const token = issuer.mint(operatorIdentity, 30 * 86_400);
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    useBearerToken(graphqlUrl, token);
    const pids = services.map((service) => `${service.name} ${service.process.pid}`).join(", ");
    say(`all services ready in ${((Date.now() - began) / 1000).toFixed(1)} s (pids: ${pids})`);

    // The main job on demo data: one on-demand export of the first demo day.
    const [startTime, endTime] = firstDemoDay(deployment);
    say(`demo: requestData(startTime: ${startTime}, endTime: ${endTime})`);
    // A fresh export each start (force): reusing the last start's would show links that may have expired.
    const requestId = await requestData(graphqlUrl, startTime, endTime, { force: true });
    const status = await waitForExport(graphqlUrl, requestId, 300_000);
    say(`demo export ${requestId}: ${status.status} (${status.progress}%)`);
    for (const line of exportReport(status)) say(line);
    if (warehouse === "redshift") for (const line of await unloadReport(deployment.serviceEnv, requestId)) say(line);

    // And the scheduled export of a demo date (what the daily CronJob runs), which Delta Sharing serves by date.
    const exportDate = demoExportDate(seed.window.start);
    say(`demo: scheduled export of ${exportDate} (the trigger, as the daily CronJob runs it)`);
    const triggered = await runTrigger(["--date", exportDate, "--force"], {
      ...deployment.serviceEnv,
      ...(secured ? securedClientEnv("planner") : {}),
      LOG_LEVEL: "warn",
    });
    const scheduledId = triggered.triggered[0]?.requestId;
    if (triggered.code !== 0 || scheduledId === undefined)
      throw new Error(
        `the trigger failed (exit ${triggered.code}): ${triggered.stderr.trim().split("\n").slice(-3).join(" ")}`,
      );
    const scheduled = await waitForExport(graphqlUrl, scheduledId, 300_000);
    say(`scheduled export ${scheduledId} of ${exportDate}: ${scheduled.status} (${scheduled.progress}%)`);

    process.stdout.write(`
data-exporter is running (Ctrl-C or \`npm stop\` stops everything it started; a service that dies is restarted)

  GraphQL (Hive gateway) ${graphqlUrl}
  operator token         ${tokenFile} (role exporter-admin, valid 30 days; send it as a Bearer token)
  status page            ${statusPageUrl} (asks for the token; or open the link below, which carries it)
  GraphQL (subgraph)     ${subgraphUrl} (answers only requests the gateway signed)
  Experiment Manager     ${experiments.url} (a stand-in subgraph, composed by the gateway)
  Delta Sharing          ${sharingEndpoint} (profile ${sharingProfileFile}; shares in ${sharingConfigFile})
  Glue Data Catalog      database ${deployment.serviceEnv.GLUE_DATABASE ?? "?"} in moto (npm run catalog lists its tables and partitions)
  health                 http://127.0.0.1:{${Object.values(healthPorts).join(",")}}/healthz and /readyz
  Kafka                  ${stack.endpoints.kafkaBrokers}
  PostgreSQL             ${stack.endpoints.postgresAdminUrl.replace(/\/postgres$/, "")} (databases warehouse, exporter)
  warehouse adapter      ${warehouse === "redshift" ? `redshift (UNLOAD through the Data API emulator ${stack.endpoints.redshiftDataEndpoint ?? ""})` : "postgres (DuckDB postgres extension)"}
  AWS emulator (moto)    ${stack.endpoints.awsEndpointUrl}  bucket ${defaultDeployment.bucket}, SNS ${deployment.snsTopicArn}
  service logs           ${logDir}

Open the status page as the operator (the token rides in the URL fragment, which the browser never sends):
  ${statusPageUrl}#token=${token}
  ${statusPageUrl}#token=${token}&id=${requestId}   (the demo export)

Try it:
  curl -s ${graphqlUrl} -H 'content-type: application/json' -H "authorization: Bearer $(cat ${tokenFile})" \\
    -d '{"query":"mutation { requestData(startTime: ${startTime}, endTime: ${endTime}) }"}'
  curl -s ${graphqlUrl} -H 'content-type: application/json' -H "authorization: Bearer $(cat ${tokenFile})" \\
    -d '{"query":"{ requestStatus(requestId: \\"${requestId}\\") { status progress dataRequestDownloadLinks } }"}'

Read the exports with Delta Sharing (pip install delta-sharing; README, Delta Sharing):
  python3 -c 'import delta_sharing as ds; p="${sharingProfileFile}"; print(ds.SharingClient(p).list_all_tables()); print(ds.load_as_pandas(p + "#exports.scheduled.traffic_observation").head())'
`);
  } catch (error) {
    // While stopping, a failure (a service stopped before it was ready) is the stop's doing, not news.
    if (stopping) return;
    say(formatFailure("failed", error, { verbose: wantsStackTraces(process.argv, process.env) }));
    await stopAll(1);
  }
}

// A bad DEMO_SCALE or WAREHOUSE fails before provisioning: the same one message, no stack trace.
await main().catch((error: unknown) => {
  say(formatFailure("failed", error, { verbose: wantsStackTraces(process.argv, process.env) }));
  process.exitCode = 1;
});
