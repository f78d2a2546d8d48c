import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { BusError, ensureTopics } from "@data-exporter/bus";
import { topics } from "@data-exporter/contracts";
import {
  awsClientConfig,
  firstDemoDay,
  localPassword,
  NotificationInbox,
  prepareSecuredTopics,
  requestData,
  runTrigger,
  securedClientEnv,
  securedKafka,
  securityOf,
  serviceNames,
  startDeployment,
  topicEventCount,
  waitForExport,
  type RequestStatusResult,
  type TestDeployment,
} from "../../dev/harness/index.js";
import { waitFor } from "@data-exporter/runtime";
import { runEntryPoint } from "../../dev/harness/services.js";

/**
 * The production-like path: every service connects through the test stack's SASL_SSL listener with its own
 * SCRAM-SHA-512 user, trusting the locally generated CA, on topics that only the ACLs of topicAccess open to it; an
 * export still completes end to end. Clients without credentials, with a wrong password or not trusting the CA are
 * refused, and a service cannot write a topic its ACLs do not grant.
 */
let deployment: TestDeployment;
let status: RequestStatusResult;
let requestId: string;

beforeAll(async () => {
  deployment = await startDeployment({
    label: "kafka-sec",
    // Lag is measured through a fresh admin connection each time: at the harness's 500 ms, eight consumers would
    // open a TLS + SCRAM connection several times a second on a shared, loaded test broker.
    env: { CONSUMER_LAG_INTERVAL_MS: "15000" },
    serviceEnv: Object.fromEntries(serviceNames.map((name) => [name, securedClientEnv(name)])),
    beforeServices: (provisioned) => prepareSecuredTopics(provisioned.names.topicNamespace),
  });
  const [start, end] = firstDemoDay(deployment);
  requestId = await requestData(deployment.graphqlUrl, start, end);
  status = await waitForExport(deployment.graphqlUrl, requestId, 120_000).catch((error: Error) => {
    throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-60).join("\n")}`);
  });
}, 240_000);

afterAll(async () => {
  await deployment?.stop();
});

const namespaced = (key: keyof typeof topics): string => `${deployment.names.topicNamespace}${topics[key].name}`;

/** The error a promise rejects with (the test fails if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a refusal, but the call succeeded");
}

// The testcontainers stack's Kafka (TEST_STACK=testcontainers) serves plaintext only: the secured listener, its CA
// and SCRAM users are the local stack's (dev/stack/kafka-security.ts), which CI runs.
const describeOnSecuredStack = process.env.TEST_STACK === "testcontainers" ? describe.skip : describe;

describeOnSecuredStack("services on the secured listener (TLS + SCRAM-SHA-512, per-service ACLs)", () => {
  it("each service connected as its own user over TLS", () => {
    for (const name of serviceNames) {
      const line = deployment.logs.find((l) => l.startsWith(`${name} `) && l.includes('"kafka connection"'));
      expect(line).toContain(`TLS + SASL SCRAM-SHA-512 as ${name}`);
      expect(line).toContain(securedClientEnv(name).KAFKA_BROKERS);
    }
  });

  it("an export completes end to end, and the notifier announces it", async () => {
    expect(status.status).toBe("Completed");
    expect(status.progress).toBe(100);
    const inbox = new NotificationInbox(deployment.notificationQueueUrl, awsClientConfig());
    try {
      await waitFor(
        "the export's notification",
        async () => {
          await inbox.receive(1);
          return inbox.about(requestId).length > 0 ? true : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(inbox.about(requestId)[0]?.attributes.status).toBe("SUCCESS");
    } finally {
      inbox.close();
    }
  });

  it("runs the trigger as its own user, and the dlq tool as the administrator, through the secured listener", async () => {
    const namespace = deployment.names.topicNamespace;
    const before = await topicEventCount(namespace, "dailyExportTriggered");
    const trigger = await runTrigger(["--date", "2024-04-07"], {
      ...deployment.serviceEnv,
      ...securedClientEnv("trigger"),
      LOG_LEVEL: "info",
    });
    expect(trigger.code).toBe(0);
    expect(trigger.stderr).toContain("TLS + SASL SCRAM-SHA-512 as trigger");
    expect(await topicEventCount(namespace, "dailyExportTriggered")).toBe(before + 1);

    const dlq = await runEntryPoint("services/status-tracker/src/dlq.ts", ["list", "--json"], {
      ...deployment.serviceEnv,
      ...securedClientEnv("admin"),
    });
    expect(dlq.code).toBe(0);
    expect(JSON.parse(dlq.stdout)).toEqual({ deadLetters: [] });
  });

  it("stops a service at once, saying why, when its topics are missing and it may not create them", async () => {
    const admin = securedKafka("e2e-no-topics", securityOf("notifier")).admin();
    await admin.connect();
    try {
      const error = await refusal(ensureTopics(admin, Object.values(topics), { namespace: `t-absent-${Date.now()}.` }));
      expect(error).toBeInstanceOf(BusError);
      expect(error).toMatchObject({ code: "TOPIC_SETUP_FAILED", retryable: false });
      expect(error.message).toMatch(/create the topics first and grant its ACLs/);
    } finally {
      await admin.disconnect();
    }
  });

  it("refuses a client without credentials", async () => {
    const admin = securedKafka("e2e-no-credentials", { tls: securityOf("planner").tls }).admin();
    const error = await refusal(admin.connect().then(() => admin.listTopics()));
    await admin.disconnect().catch(() => undefined);
    expect(error.name).toMatch(/KafkaJS/);
    expect(error.message).not.toBe("");
  });

  it("refuses a wrong password", async () => {
    const admin = securedKafka("e2e-wrong-password", securityOf("planner", `${localPassword("planner")}x`)).admin();
    const error = await refusal(admin.connect());
    await admin.disconnect().catch(() => undefined);
    expect(error.name).toBe("KafkaJSSASLAuthenticationError");
    expect(error.message).toMatch(/SCRAM SHA512 authentication failed/i);
  });

  it("fails TLS for a client that does not trust the local CA", async () => {
    const { sasl } = securityOf("planner");
    const admin = securedKafka("e2e-untrusted-ca", { tls: {}, sasl }).admin();
    const error = await refusal(admin.connect());
    await admin.disconnect().catch(() => undefined);
    expect(`${error.message} ${String((error.cause as Error | undefined)?.message ?? "")}`).toMatch(
      /self[- ]signed certificate/i,
    );
  });

  it("refuses the notifier's credentials writing unload commands, which only the planner's ACLs grant", async () => {
    const before = await topicEventCount(deployment.names.topicNamespace, "unloadCommands");
    const producer = securedKafka("e2e-notifier-forges", securityOf("notifier")).producer();
    await producer.connect();
    try {
      const error = await refusal(
        producer.send({ topic: namespaced("unloadCommands"), messages: [{ key: "forged", value: "forged" }] }),
      );
      expect(`${error.name}: ${error.message}`).toMatch(/not authorized|authorization failed/i);
    } finally {
      await producer.disconnect();
    }
    expect(await topicEventCount(deployment.names.topicNamespace, "unloadCommands")).toBe(before);
  });

  it("refuses the notifier's credentials joining the unloader's group to read unload commands", async () => {
    const brokerErrors: string[] = [];
    const consumer = securedKafka("e2e-notifier-reads", securityOf("notifier"), brokerErrors).consumer({
      groupId: `${deployment.names.topicNamespace}data-exporter.unloader`,
    });
    const crashed = new Promise<Error>((resolve) =>
      consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error)),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [namespaced("unloadCommands")], fromBeginning: true });
      const failed = consumer.run({ eachMessage: () => Promise.resolve() }).then(
        () => crashed,
        (error: Error) => error,
      );
      const error = await Promise.race([failed, crashed]);
      // kafkajs reports it as "Failed to find group coordinator"; what the broker answered is in its log.
      expect(error.name).toBe("KafkaJSGroupCoordinatorNotFound");
      expect(brokerErrors).toContain("GROUP_AUTHORIZATION_FAILED");
    } finally {
      await consumer.disconnect();
    }
  });
});
