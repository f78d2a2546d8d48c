import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Partitioners, type Producer } from "kafkajs";
import pg from "pg";
import { eventHeaders, namespacedTopic, parseDeadLetter, type Envelope } from "@data-exporter/bus";
import { signatureHeaders, signMessage, type SigningKey } from "@data-exporter/command-signing";
import { encodeEvent, topics, type UnloadTableCommand } from "@data-exporter/contracts";
import { S3ObjectStore } from "@data-exporter/object-store";
import { waitFor } from "@data-exporter/runtime";
import {
  awsClientConfig,
  EventRecorder,
  firstDemoDay,
  kafkaFromEnv,
  readRawTopic,
  requestData,
  requestStatus,
  type RequestStatusResult,
  type RunningService,
  scrapeMetrics,
  startDeployment,
  startExtraService,
  type TestDeployment,
  waitForExport,
} from "../../dev/harness/index.js";

/**
 * Only commands the planner signed are run. Anyone who can write to the unload-commands topic can still not export a
 * restricted column: a forged command for a real request (unsigned, or signed with a wrong key) is refused before
 * the warehouse is read, its table ends FAILED with the reason, it is dead-lettered for audit and counted. And the
 * signing secret rotates in Secrets Manager (moto) while everything runs: new commands are signed with the new
 * version and accepted, the previous version stays accepted, a removed or unknown one is refused.
 */
let deployment: TestDeployment;
let unloader: RunningService;
let commands: EventRecorder<"unloadCommands">;
let lifecycle: EventRecorder<"exportLifecycle">;
let raw: Producer;
let secrets: SecretsManagerClient;
let state: pg.Pool;

const namespace = (): string => deployment.names.topicNamespace;
const commandTopic = (): string => namespacedTopic(namespace(), topics.unloadCommands.name);
const url = (): string => deployment.graphqlUrl;

beforeAll(async () => {
  deployment = await startDeployment({
    label: "signing",
    services: ["request-api", "planner", "status-tracker"],
    // The planner re-reads the secret every half second (its log says which version it signs with).
    env: { COMMAND_SIGNING_KEY_REFRESH_MS: "500" },
  });
  commands = await EventRecorder.start(namespace(), ["unloadCommands"]);
  lifecycle = await EventRecorder.start(namespace(), ["exportLifecycle"]);
  raw = kafkaFromEnv("e2e-forger").producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await raw.connect();
  secrets = new SecretsManagerClient(awsClientConfig());
  state = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 1 });
}, 120_000);

afterAll(async () => {
  await raw?.disconnect();
  await commands?.stop();
  await lifecycle?.stop();
  secrets?.destroy();
  await state?.end();
  await deployment?.stop();
});

/** The signing secret's version at a stage, read from the emulator as the services read it. */
async function secretAt(stage: "AWSCURRENT" | "AWSPREVIOUS"): Promise<SigningKey> {
  const answer = await secrets.send(
    new GetSecretValueCommand({ SecretId: deployment.names.signingSecretName, VersionStage: stage }),
  );
  return { versionId: answer.VersionId ?? "", secret: answer.SecretString ?? "" };
}

/** `aws secretsmanager put-secret-value`: the new value becomes AWSCURRENT, the old one AWSPREVIOUS. */
async function rotate(): Promise<SigningKey> {
  await secrets.send(
    new PutSecretValueCommand({
      SecretId: deployment.names.signingSecretName,
      SecretString: randomBytes(32).toString("hex"),
    }),
  );
  return secretAt("AWSCURRENT");
}

/** Writes a command to the topic as a forger with topic access would: keyed like the planner's, signed or not. */
async function produce(command: UnloadTableCommand, signWith?: SigningKey): Promise<void> {
  const encoded = encodeEvent("UnloadTableCommand", command);
  const key = `${command.requestId}/${command.table}`;
  const signature = signWith
    ? signMessage(signWith, {
        topic: commandTopic(),
        key,
        eventType: encoded.eventType,
        schemaFingerprint: encoded.fingerprint,
        payload: encoded.bytes,
      })
    : {};
  await raw.send({
    topic: commandTopic(),
    acks: -1,
    messages: [
      {
        key,
        value: Buffer.from(encoded.bytes),
        headers: {
          [eventHeaders.eventType]: encoded.eventType,
          [eventHeaders.schemaFingerprint]: encoded.fingerprint,
          [eventHeaders.correlationId]: command.requestId,
          ...signature,
        },
      },
    ],
  });
}

/** Sends one of the planner's commands again, byte for byte, signed with `key` instead. */
async function resend(command: Envelope<"unloadCommands">, key: SigningKey): Promise<void> {
  const signature = signMessage(key, {
    topic: command.topic,
    key: command.key ?? "",
    eventType: command.headers[eventHeaders.eventType] ?? "",
    schemaFingerprint: command.headers[eventHeaders.schemaFingerprint] ?? "",
    payload: command.payload,
  });
  await raw.send({
    topic: command.topic,
    acks: -1,
    messages: [{ key: command.key, value: command.payload, headers: { ...command.headers, ...signature } }],
  });
}

const plannerCommands = (requestId: string): Envelope<"unloadCommands">[] =>
  commands.events.filter((e) => e.value.requestId === requestId && e.headers[signatureHeaders.keyVersion]);

const keyVersionsOf = (requestId: string): string[] => [
  ...new Set(plannerCommands(requestId).map((e) => e.headers[signatureHeaders.keyVersion] ?? "")),
];

const completions = (requestId: string, table: string): number =>
  lifecycle.events.filter(
    (e) => e.type === "TableUnloadCompleted" && e.value.requestId === requestId && e.value.table === table,
  ).length;

const refusedCount = async (problem: string): Promise<number> =>
  (await scrapeMetrics(unloader.healthUrl)).value("data_exporter_unload_commands_refused_total", { problem });

function withLogs<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: Error) => {
    throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-60).join("\n")}`);
  });
}

describe("a forged unload command for a real request", () => {
  it("is refused: no warehouse query, no file, its table FAILED with the reason, a dead letter, a metric", async () => {
    const [start, end] = firstDemoDay(deployment);
    const requestId = await requestData(url(), start, end);
    const planned = await waitFor("the plan", async () => {
      const status = await requestStatus(url(), requestId);
      return status.tables.length > 0 ? status : undefined;
    });
    const real = await waitFor("the planner's signed commands", () =>
      plannerCommands(requestId).length === planned.tables.length ? plannerCommands(requestId) : undefined,
    );
    // The unloader's group starts at the topic's end, after the planner's commands: it sees only the forged ones,
    // so whatever it does below is their doing.
    const admin = kafkaFromEnv("e2e-signing-admin").admin();
    await admin.connect();
    // Explicit offsets: kafkajs's resetOffsets commits "latest" as -1, which its consumer reads as "none".
    const ends = await admin.fetchTopicOffsets(commandTopic());
    await admin.setOffsets({
      groupId: `${namespace()}data-exporter.unloader`,
      topic: commandTopic(),
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    });
    await admin.disconnect();

    const commandOf = (table: string): UnloadTableCommand => {
      const found = real.find((e) => e.value.table === table);
      if (!found) throw new Error(`the plan has no ${table}: ${real.map((e) => e.value.table).join(", ")}`);
      return found.value;
    };
    const forgedPrefix = (table: string): string => `${deployment.names.exportEnv}/forged-${randomUUID()}/${table}/`;
    // Unsigned, asking for a `de` column (never exported) as it is.
    const way = commandOf("way");
    const unsigned: UnloadTableCommand = {
      ...way,
      columns: [...way.columns, { name: "updated_by_email", treatment: "AS_IS", roundDigits: null }],
      outputPrefix: forgedPrefix("way"),
      issuedAt: Date.now(),
    };
    // Signed with a wrong key under the real current version id, asking for the `mx` column unmasked (and the `de`
    // one) from every source, restricted ones included.
    const traffic = commandOf("traffic_observation");
    const current = await secretAt("AWSCURRENT");
    const wrongKey = { versionId: current.versionId, secret: randomBytes(32).toString("hex") };
    const unmasked: UnloadTableCommand = {
      ...traffic,
      columns: [
        ...traffic.columns.map((c) => (c.name === "speed_kmh" ? { ...c, treatment: "AS_IS" as const } : c)),
        { name: "confidence", treatment: "AS_IS", roundDigits: null },
      ],
      rowFilter: {
        ...traffic.rowFilter,
        allowedSources: ["HERE", "TOMTOM", "INTERNAL"],
        unrestrictedSources: ["HERE"],
      },
      outputPrefix: forgedPrefix("traffic_observation"),
      issuedAt: Date.now(),
    };
    await produce(unsigned);
    await produce(unmasked, wrongKey);
    unloader = await startExtraService(deployment, "unloader", {
      instance: "guard",
      // Its own re-read is ten minutes away: below, it learns a rotation only from a command naming the new version.
      env: { COMMAND_SIGNING_KEY_REFRESH_MS: "600000" },
    });

    const failed = await withLogs(
      waitFor(
        "both forged tables FAILED",
        async () => {
          const status = await requestStatus(url(), requestId);
          return status.tables.filter((t) => t.status === "FAILED").length === 2 ? status : undefined;
        },
        { timeoutMs: 60_000 },
      ),
    );
    const table = (name: string): RequestStatusResult["tables"][number] | undefined =>
      failed.tables.find((t) => t.tableName === name);
    expect(table("way")).toMatchObject({ status: "FAILED", errorKind: expect.any(String) });
    expect(table("way")?.error).toContain(
      "unload command signature invalid (key version none): the command is not signed",
    );
    expect(table("traffic_observation")?.error).toContain(
      `unload command signature invalid (key version ${current.versionId}): the signature does not match`,
    );
    // The other tables wait for their (skipped) real commands: nothing else happened to the request.
    for (const other of failed.tables.filter((t) => !["way", "traffic_observation"].includes(t.tableName)))
      expect(other.status).toBe("PENDING");

    // Refused before any job was begun (so before any warehouse query), and nothing written to the bucket at all.
    const jobs = await state.query(
      `SELECT count(*)::int AS n FROM "${deployment.names.statusSchema}".unload_jobs WHERE de_request_id = $1`,
      [requestId],
    );
    expect(jobs.rows[0]).toEqual({ n: 0 });
    const bucket = S3ObjectStore.fromConfig({
      bucket: deployment.names.bucket,
      ...awsClientConfig(),
      forcePathStyle: true,
    });
    expect(await bucket.list(`${deployment.names.exportEnv}/`)).toEqual([]);

    // Dead-lettered for audit, with the reason; logged as a security event; counted.
    const deadLetters = await waitFor("the dead letters", async () => {
      const mine = (await readRawTopic(namespace(), "deadLetter"))
        .map((record) => parseDeadLetter({ ...record, offset: String(record.offset) }, namespace()))
        .filter((d) => d.originalTopic === "unloadCommands" && d.key?.startsWith(`${requestId}/`));
      return mine.length === 2 ? mine : undefined;
    });
    expect(deadLetters.map((d) => [d.key, d.consumerGroup, d.errorCode, d.attempts]).sort()).toEqual(
      [
        [`${requestId}/traffic_observation`, "data-exporter.unloader", "SIGNATURE_INVALID", 1],
        [`${requestId}/way`, "data-exporter.unloader", "SIGNATURE_INVALID", 1],
      ].sort(),
    );
    expect(deadLetters.map((d) => d.errorMessage).join("\n")).toMatch(/the command is not signed/);
    const securityLines = deployment.logs.filter(
      (line) => line.startsWith("unloader") && line.includes('"security":"unload-command-refused"'),
    );
    expect(securityLines).toHaveLength(2);
    expect(securityLines.join("\n")).toContain("updated_by_email:AS_IS");
    expect(await refusedCount("unsigned")).toBe(1);
    expect(await refusedCount("mismatch")).toBe(1);
  }, 150_000);
});

describe("rotating the signing secret while the services run", () => {
  it("signs new commands with the new version, accepts the previous one, refuses a removed or unknown one", async () => {
    const [start, end] = firstDemoDay(deployment);
    const v1 = await secretAt("AWSCURRENT");
    const before = await requestData(url(), start, end, { force: true });
    expect((await withLogs(waitForExport(url(), before, 90_000))).status).toBe("Completed");
    expect(keyVersionsOf(before)).toEqual([v1.versionId]);

    const v2 = await rotate();
    expect((await secretAt("AWSPREVIOUS")).versionId).toBe(v1.versionId);
    await waitFor("the planner to sign with the new version", () =>
      deployment.logs.find((line) => line.startsWith("planner") && line.includes(`"keyVersion":"${v2.versionId}"`)),
    );
    const after = await requestData(url(), start, end, { force: true });
    expect((await withLogs(waitForExport(url(), after, 90_000))).status).toBe("Completed");
    expect(keyVersionsOf(after)).toEqual([v2.versionId]);
    // The unloader held only v1: the first command naming v2 made it read the secret again.
    expect(
      deployment.logs.some(
        (line) => line.startsWith("unloader") && line.includes("signing keys loaded") && line.includes(v2.versionId),
      ),
    ).toBe(true);

    // One of the planner's commands, byte for byte, signed with the previous version (v1, AWSPREVIOUS): accepted. Its
    // table is done, so the unloader answers with the recorded outcome again instead of running it.
    const [original] = plannerCommands(after);
    if (!original) throw new Error("no command of the second request");
    const table = original.value.table;
    const answered = completions(after, table);
    await resend(original, v1);
    await waitFor("the outcome published again", () => (completions(after, table) > answered ? true : undefined));

    // Rotated again: v1 is neither AWSCURRENT nor AWSPREVIOUS. A version that never existed, and v1, are refused;
    // v2 (now AWSPREVIOUS) is still accepted.
    const v3 = await rotate();
    const refusalOf = (version: string) =>
      lifecycle.waitForEvent(
        `the refusal of key version ${version}`,
        (e) =>
          e.type === "TableUnloadFailed" &&
          e.value.requestId === after &&
          e.value.errorMessage.includes(`(key version ${version}): not the current or previous signing key`),
      );
    const unknown = { versionId: randomUUID(), secret: v3.secret };
    await resend(original, unknown);
    expect((await refusalOf(unknown.versionId)).value).toMatchObject({
      errorKind: "INVALID_COMMAND",
      retryable: false,
      finalAttempt: true,
    });
    await resend(original, v1);
    await refusalOf(v1.versionId);
    const answeredAgain = completions(after, table);
    await resend(original, v2);
    await waitFor("v2's copy answered", () => (completions(after, table) > answeredAgain ? true : undefined));
    expect(await refusedCount("unknown-key-version")).toBe(2);
    // A finished table is never reopened by a refusal.
    expect((await requestStatus(url(), after)).status).toBe("Completed");
  }, 240_000);
});

describe("a tampered read-model row", () => {
  it("gets no link for an object outside the export bucket's prefix; the other tables keep theirs", async () => {
    const [start, end] = firstDemoDay(deployment);
    const requestId = await requestData(url(), start, end, { force: true });
    const done = await withLogs(waitForExport(url(), requestId, 90_000));
    expect(done.status).toBe("Completed");
    const [tampered, ...untouched] = done.tables.filter((t) => t.files.length > 0);
    if (!tampered || untouched.length === 0) throw new Error("needs two tables with files");
    // Someone with write access to the read model points a table's file and manifest at other objects.
    await state.query(
      `UPDATE "${deployment.names.statusSchema}".table_export_job_statuses
          SET files = jsonb_set(files, '{0,key}', to_jsonb($3::text)), manifest_key = $4
        WHERE de_request_id = $1 AND table_name = $2`,
      [requestId, tampered.tableName, "hr/payroll/2024.parquet", `${deployment.names.exportEnv}/../hr/manifest.json`],
    );
    const status = await requestStatus(url(), requestId);
    const table = status.tables.find((t) => t.tableName === tampered.tableName);
    expect(table?.files.map((f) => f.key)).not.toContain("hr/payroll/2024.parquet");
    expect(JSON.stringify(status)).not.toContain("payroll");
    expect(table?.manifestUrl).toBeNull();
    for (const other of untouched) {
      const now = status.tables.find((t) => t.tableName === other.tableName);
      expect(now?.files.map((f) => f.url)).toEqual(other.files.map((f) => f.url));
      expect(now?.manifestUrl).toBe(other.manifestUrl);
    }
    await waitFor("the refusals in request-api's log", () =>
      deployment.logs.filter((l) => l.startsWith("request-api") && l.includes('"security":"presign-refused"')).length >=
      2
        ? true
        : undefined,
    );
  }, 120_000);
});
