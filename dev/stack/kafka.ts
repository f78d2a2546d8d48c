import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { ensureTools } from "./apt.js";
import type { EnsureOutcome, StackContext } from "./context.js";
import { StackError } from "./errors.js";
import {
  ensureKafkaSecurityFiles,
  ensureScramUsers,
  securedListenerProperties,
  type KafkaSecurityFiles,
} from "./kafka-security.js";
import { cacheDir, downloadCacheDir, stackDir } from "./paths.js";
import { isPortOpen } from "./ports.js";
import { logFile, run, runningPid, spawnDetached, stopRecorded } from "./processes.js";
import { waitUntilReady } from "./readiness.js";

const { Kafka, logLevel } = kafkajs;

const pomPath = join(stackDir, "kafka", "pom.xml");
const log4jConfig = join(stackDir, "kafka", "log4j2.properties");

/** The broker version, pinned once in kafka/pom.xml. */
export const kafkaVersion =
  /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pomPath, "utf8"))?.[1] ?? "unknown";
const libsDir = join(cacheDir, `kafka-${kafkaVersion}`, "libs");
const libsStamp = join(libsDir, ".pom-sha256");

const paths = (ctx: StackContext) => {
  const root = join(ctx.dirs.root, "kafka");
  return {
    root,
    data: join(root, "data"),
    config: join(root, "server.properties"),
    clusterId: join(root, "cluster-id"),
    security: join(root, "security"),
  };
};

/** The secured listener's folder of a profile (CA, passwords), which clients of KAFKA_SECURE_BROKERS read. */
export const kafkaSecurityDir = (profileRoot: string): string => join(profileRoot, "kafka", "security");
// The absolute config path is unique per checkout and profile: it tells our broker apart from any other java.
const markers = (ctx: StackContext): string[] => ["kafka.Kafka", paths(ctx).config];

/** Whether the jars of the pinned pom are downloaded (then Maven is not needed). */
export function kafkaLibsReady(): boolean {
  const pomHash = createHash("sha256").update(readFileSync(pomPath)).digest("hex");
  return existsSync(libsStamp) && readFileSync(libsStamp, "utf8") === pomHash;
}

/** Downloads the pinned jars with Maven into .cache unless the pom is unchanged since the last download. */
async function ensureKafkaLibs(log: (msg: string) => void): Promise<void> {
  if (kafkaLibsReady()) return;
  const pomHash = createHash("sha256").update(readFileSync(pomPath)).digest("hex");
  await ensureTools(["maven"], log);
  log(`kafka: fetching kafka_2.13 ${kafkaVersion} jars with Maven`);
  const tmp = `${libsDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await run("mvn", [
    "-q",
    "-B",
    "-f",
    pomPath,
    `-Dmaven.repo.local=${join(downloadCacheDir, "m2")}`,
    "dependency:copy-dependencies",
    `-DoutputDirectory=${tmp}`,
  ]);
  writeFileSync(join(tmp, ".pom-sha256"), pomHash);
  // Rename makes the libs folder appear complete or not at all.
  rmSync(libsDir, { recursive: true, force: true });
  renameSync(tmp, libsDir);
}

function clusterId(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  let id: string;
  // Kafka's own random UUIDs never start with "-" (it would read as a command-line flag).
  do id = randomBytes(16).toString("base64url");
  while (id.startsWith("-"));
  writeFileSync(file, id);
  return id;
}

function serverProperties(ctx: StackContext, dataDir: string, security: KafkaSecurityFiles | undefined): string {
  const { kafka, kafkaController, kafkaSecure } = ctx.ports;
  const secured = security === undefined ? "" : `,SASL_SSL://127.0.0.1:${kafkaSecure}`;
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}${secured}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${kafka}${secured}`,
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${security === undefined ? "" : ",SASL_SSL:SASL_SSL"}`,
    "inter.broker.listener.name=PLAINTEXT",
    "controller.listener.names=CONTROLLER",
    `controller.quorum.bootstrap.servers=127.0.0.1:${kafkaController}`,
    `log.dirs=${dataDir}`,
    "num.partitions=3",
    // The project creates its topics explicitly; a typo must fail, not create a topic.
    "auto.create.topics.enable=false",
    // One node: every internal topic has a single replica.
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=10",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=10",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    ...(security === undefined ? [] : securedListenerProperties(security)),
    "",
  ].join("\n");
}

/**
 * JVM flags. Short-lived JVMs (the storage tool, the test broker) start about twice as fast with the C1 compiler
 * only and the serial collector (7 s → 3 s on 2 cores); the dev broker keeps full JIT and G1 for benchmarks.
 */
const javaArgs = (fastStart: boolean, ...rest: string[]): string[] => [
  "-Xms256m",
  "-Xmx512m",
  ...(fastStart ? ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"] : ["-XX:+UseG1GC"]),
  "-Djava.awt.headless=true",
  `-Dlog4j2.configurationFile=${log4jConfig}`,
  "-cp",
  `${libsDir}/*`,
  ...rest,
];

/** True once a kafkajs admin metadata call succeeds against the broker. */
export async function kafkaAnswers(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: "stack-readiness",
    brokers: brokers.split(","),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Adds the SCRAM users once the broker runs, when it serves the secured listener. */
async function ensureSecuredListener(ctx: StackContext, security: KafkaSecurityFiles | undefined): Promise<void> {
  if (security === undefined) return;
  await ensureScramUsers({
    plaintextBrokers: `127.0.0.1:${ctx.ports.kafka}`,
    securedBrokers: `127.0.0.1:${ctx.ports.kafkaSecure}`,
    files: security,
    javaArgs: (...rest) => javaArgs(true, ...rest),
    program: join(stackDir, "kafka", "ScramUsers.java"),
    logFile: logFile(ctx.dirs, "kafka-scram"),
    log: ctx.log,
  });
}

const portVariables = (ctx: StackContext): Map<number, string> =>
  new Map([
    [ctx.ports.kafka, "STACK_KAFKA_PORT"],
    [ctx.ports.kafkaController, "STACK_KAFKA_CONTROLLER_PORT"],
    ...(ctx.kafkaSecurity === "sasl_ssl" ? [[ctx.ports.kafkaSecure, "STACK_KAFKA_SECURE_PORT"] as const] : []),
  ]);

export async function ensureKafka(ctx: StackContext): Promise<EnsureOutcome> {
  const brokers = `127.0.0.1:${ctx.ports.kafka}`;
  const p = paths(ctx);
  const waitOpts = { component: "kafka", logFile: logFile(ctx.dirs, "kafka"), signal: ctx.signal };
  const security = ctx.kafkaSecurity === "sasl_ssl" ? await ensureKafkaSecurityFiles(p.security, ctx.log) : undefined;
  const existing = runningPid(ctx.dirs, "kafka", markers(ctx));
  if (existing !== undefined) {
    await waitUntilReady(() => kafkaAnswers(brokers), {
      ...waitOpts,
      owner: { pid: existing, port: ctx.ports.kafka },
      timeoutMs: 60_000,
      stillRunning: () => runningPid(ctx.dirs, "kafka", markers(ctx)) !== undefined,
    });
    // A broker started before KAFKA_SECURITY was asked for keeps its listeners until it is restarted.
    const running = existsSync(p.config) ? readFileSync(p.config, "utf8") : "";
    if (security !== undefined && !running.includes("SASL_SSL://"))
      ctx.log(
        `kafka: the running broker has no secured listener (started without KAFKA_SECURITY=sasl_ssl); ` +
          `stop the stack (npm run stack -- down --profile ${ctx.profile}) to add it`,
      );
    else await ensureSecuredListener(ctx, security);
    return "reused";
  }
  for (const [port, variable] of portVariables(ctx)) {
    if (await isPortOpen(port)) {
      throw new StackError(
        "PORT_IN_USE",
        `kafka: port ${port} is used by a process this stack did not start (set KAFKA_BROKERS, or ${variable} to another port)`,
        {
          component: "kafka",
        },
      );
    }
  }
  await ensureTools(["java"], ctx.log);
  await ensureKafkaLibs(ctx.log);
  mkdirSync(p.data, { recursive: true });
  writeFileSync(p.config, serverProperties(ctx, p.data, security));
  if (!existsSync(join(p.data, "meta.properties"))) {
    await run(
      "java",
      javaArgs(
        true,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        clusterId(p.clusterId),
        "-c",
        p.config,
        "--standalone",
        "--ignore-formatted",
      ),
      {
        logFile: logFile(ctx.dirs, "kafka-format"),
      },
    );
  }
  ctx.log(`kafka: starting ${kafkaVersion} on ${brokers}`);
  const pid = spawnDetached(ctx.dirs, {
    name: "kafka",
    command: "java",
    args: javaArgs(ctx.profile === "test", "kafka.Kafka", p.config),
  });
  await waitUntilReady(() => kafkaAnswers(brokers), {
    ...waitOpts,
    owner: { pid, port: ctx.ports.kafka },
    timeoutMs: 90_000,
    stillRunning: () => runningPid(ctx.dirs, "kafka", markers(ctx)) !== undefined,
  });
  await ensureSecuredListener(ctx, security);
  return "started";
}

export function kafkaRunning(ctx: StackContext): boolean {
  return runningPid(ctx.dirs, "kafka", markers(ctx)) !== undefined;
}

export async function stopKafka(ctx: StackContext): Promise<boolean> {
  return stopRecorded(ctx.dirs, "kafka", markers(ctx), { signal: "SIGTERM", timeoutMs: 30_000 });
}
