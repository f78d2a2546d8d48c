import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbConfigStore, configTableNames } from "@data-exporter/config-store";
import { afterAll, describe, expect, it } from "@jest/globals";
import { demoClassificationFor, seedDemoConfig } from "../../src/index.js";

describe("seedDemoConfig against moto", () => {
  const endpoint = process.env["AWS_ENDPOINT_URL"];
  const client = new DynamoDBClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    region: process.env["AWS_REGION"] ?? "ap-southeast-2",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  afterAll(() => client.destroy());

  it("writes the demo classification so that the config store reads it back unchanged, twice", async () => {
    if (endpoint === undefined) throw new Error("AWS_ENDPOINT_URL is not set: start the local stack first");
    const names = configTableNames({ prefix: `demo_${randomUUID().slice(0, 8)}_` });
    await seedDemoConfig(client, names, { schema: "demo_schema" });
    await seedDemoConfig(client, names, { schema: "demo_schema" }); // idempotent

    const snapshot = await new DynamoDbConfigStore(client, { tableNames: names }).load();
    const expected = demoClassificationFor("demo_schema");
    const sortBy =
      <T>(key: (v: T) => string) =>
      (a: T, b: T) =>
        key(a) < key(b) ? -1 : 1;
    expect(snapshot.tables).toEqual([...expected.tables].sort(sortBy((t) => t.table)));
    expect(snapshot.rules.columns).toEqual(
      [...expected.rules.columns].sort(sortBy((c) => `${c.table}\u0000${c.column}`)),
    );
    expect(snapshot.rules.sources).toEqual([...expected.rules.sources].sort(sortBy((s) => s.source)));
    expect(snapshot.rules.metrics).toEqual(
      [...expected.rules.metrics].sort(sortBy((m) => `${m.table}\u0000${m.metric}`)),
    );
  });
});
