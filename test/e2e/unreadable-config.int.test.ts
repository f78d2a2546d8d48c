import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { configTableNames } from "@data-exporter/config-store";
import {
  awsClientConfig,
  firstDemoDay,
  requestData,
  startDeployment,
  type TestDeployment,
  waitForExport,
} from "../../dev/harness/index.js";

/** A malformed configuration item must fail the request visibly, not leave it "In Progress" forever. */
let deployment: TestDeployment;

beforeAll(async () => {
  deployment = await startDeployment({ label: "badconfig", services: ["request-api", "planner", "status-tracker"] });
  const dynamo = new DynamoDBClient(awsClientConfig());
  const names = configTableNames({ prefix: deployment.names.configTablePrefix });
  await dynamo.send(
    new PutItemCommand({
      TableName: names.exportTables,
      Item: { table_name: { S: "typo_table" }, schema_name: { S: "pm_internal" }, enabled: { S: "yes" } },
    }),
  );
  dynamo.destroy();
}, 120_000);

afterAll(async () => {
  await deployment?.stop();
});

describe("an unreadable export configuration", () => {
  it("ends the request as Failed with the reason, instead of leaving it in progress", async () => {
    const [start] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, start, start + 3600);
    const status = await waitForExport(deployment.graphqlUrl, requestId, 60_000);
    expect(status.status).toBe("Failed");
    expect(status.progress).toBe(100);
    expect(status.tables).toEqual([]);
    expect(status.skippedTables).toEqual([
      {
        table: "(configuration)",
        reason: expect.stringMatching(/export configuration cannot be read.*typo_table/s) as unknown,
      },
    ]);
  });
});
