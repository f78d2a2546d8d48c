import { randomUUID } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "@jest/globals";
import kafkajs from "kafkajs";
import pg from "pg";
import { DuckDBInstance } from "@duckdb/node-api";

const { Kafka, logLevel } = kafkajs;

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "")
    throw new Error(`${name} is not set: run through npm test or jest's global setup`);
  return value;
}

const aws = () => ({
  endpoint: env("AWS_ENDPOINT_URL"),
  region: env("AWS_REGION"),
  credentials: { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey: env("AWS_SECRET_ACCESS_KEY") },
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("local stack", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it("kafkajs creates a topic, produces and consumes a message on the real broker", async () => {
    const kafka = new Kafka({
      clientId: "stack-int-test",
      brokers: env("KAFKA_BROKERS").split(","),
      logLevel: logLevel.NOTHING,
    });
    const topic = `stack-test-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await producer.send({ topic, acks: -1, messages: [{ key: "k", value: "hello kafka" }] });

    const consumer = kafka.consumer({ groupId: `stack-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(message.value?.toString() ?? "");
        return Promise.resolve();
      },
    });
    await waitFor("the consumed message", () => Promise.resolve(received.length > 0 ? received : undefined), 30_000);
    expect(received).toEqual(["hello kafka"]);
  });

  it("PostgreSQL serves the exporter and warehouse databases", async () => {
    for (const url of [env("DATABASE_URL"), env("WAREHOUSE_URL")]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string }>("select current_database() as db");
        expect(url.endsWith(`/${rows[0]?.db}`)).toBe(true);
      } finally {
        await client.end();
      }
    }
    const warehouse = new pg.Client({ connectionString: env("WAREHOUSE_URL") });
    await warehouse.connect();
    const { rowCount } = await warehouse.query("select 1 from pg_namespace where nspname = 'pm_internal'");
    await warehouse.end();
    expect(rowCount).toBe(1);
  });

  it("DuckDB loads the postgres extension and reads the warehouse through it", async () => {
    const instance = await DuckDBInstance.create(":memory:", {
      threads: "1",
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const duck = await instance.connect();
    try {
      await duck.run(`LOAD '${env("DUCKDB_POSTGRES_EXTENSION").replaceAll("'", "''")}'`);
      const url = new URL(env("WAREHOUSE_URL"));
      const conninfo = `host=${url.hostname} port=${url.port} user=${url.username} dbname=${url.pathname.slice(1)}`;
      await duck.run(`ATTACH '${conninfo}' AS wh (TYPE postgres, READ_ONLY)`);
      const reader = await duck.runAndReadAll(
        "SELECT * FROM postgres_query('wh', 'select current_database() as db, 41 + 1 as answer')",
      );
      expect(reader.getRowObjectsJson()).toEqual([{ db: url.pathname.slice(1), answer: 42 }]);
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
  });

  it("S3 through moto: create bucket, put and get an object", async () => {
    const s3 = new S3Client({ ...aws(), forcePathStyle: true });
    const Bucket = `stack-test-${randomUUID()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "a/b.txt", Body: "hello s3" }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "a/b.txt" }));
    expect(await got.Body?.transformToString()).toBe("hello s3");
    s3.destroy();
  });

  it("DynamoDB through moto: create a table, put and get an item", async () => {
    const ddb = new DynamoDBClient(aws());
    const TableName = `stack-test-${randomUUID()}`;
    await ddb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: "1" }, v: { S: "x" } } }));
    const got = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: "1" } } }));
    expect(got.Item?.v?.S).toBe("x");
    ddb.destroy();
  });

  it("the Redshift Data API emulator answers and reaches PostgreSQL", async () => {
    const res = await fetch(`${env("REDSHIFT_DATA_ENDPOINT")}/readyz`);
    expect([res.status, await res.json()]).toEqual([200, { status: "ready", checks: { postgres: true } }]);
  });

  it("SNS → SQS: a subscribed queue receives the published message", async () => {
    const sns = new SNSClient(aws());
    const sqs = new SQSClient(aws());
    const name = `stack-test-${randomUUID()}`;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: attrs.Attributes?.QueueArn }));
    await sns.send(new PublishCommand({ TopicArn, Message: "hello sns", Subject: "greeting" }));
    const body = await waitFor("the SQS message", async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
      return r.Messages?.[0]?.Body;
    });
    // Without raw delivery the queue receives SNS's JSON envelope.
    expect(JSON.parse(body)).toMatchObject({
      Type: "Notification",
      Message: "hello sns",
      Subject: "greeting",
      TopicArn,
    });
    sns.destroy();
    sqs.destroy();
  });
});
