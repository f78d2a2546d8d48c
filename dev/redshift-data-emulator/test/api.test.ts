import type { AddressInfo } from "node:net";
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  RedshiftDataClient,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createOperations } from "../src/operations.js";
import { createDataApiServer } from "../src/server.js";
import { StatementStore, type Statement } from "../src/statements.js";

/**
 * The Data API's wire protocol and validation, through the real AWS SDK client, with an engine that "runs" every
 * statement at once (the integration test runs them on PostgreSQL).
 */
const store = new StatementStore(100);
const held: Statement[] = [];
const engine = {
  submit: (statement: Statement): void => {
    if (statement.subs.some((s) => s.sql.includes("hold"))) {
      held.push(statement);
      return;
    }
    statement.picked();
    for (const [i, sub] of statement.subs.entries()) {
      statement.started(sub, 100 + i);
      const rows = Array.from({ length: 5 }, (_, r) => [String(r), r % 2 === 0 ? `row ${r}` : null]);
      statement.subFinished(sub, {
        result: {
          columns: [
            { name: "n", typeName: "int4", typeModifier: -1, schemaName: "", tableName: "" },
            { name: "s", typeName: "varchar", typeModifier: 14, schemaName: "public", tableName: "t" },
          ],
          rows,
        },
        resultRows: rows.length,
        resultSize: 42,
      });
    }
    statement.finished();
  },
  cancel: (statement: Statement): void => statement.ended("ABORTED", "ERROR: Query (1) cancelled on user's request"),
};
const server = createDataApiServer({
  operations: createOperations({
    store,
    engine,
    defaultDatabase: "dev",
    maxActiveStatements: 3,
    pageRecords: 2,
  }),
  health: { readiness: { postgres: () => true } },
  log: () => undefined,
});
let client: RedshiftDataClient;
let endpoint: string;
const cluster = { ClusterIdentifier: "local-cluster", Database: "warehouse", DbUser: "awsuser" };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new RedshiftDataClient({
    endpoint,
    region: "ap-southeast-2",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail");
}

describe("the Data API protocol", () => {
  it("executes, describes and pages through a result with the SDK's types", async () => {
    const { Id, CreatedAt, ClusterIdentifier, Database, DbUser } = await client.send(
      new ExecuteStatementCommand({ ...cluster, Sql: "select n, s from t", StatementName: "api-test" }),
    );
    expect(Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(CreatedAt).toBeInstanceOf(Date);
    expect({ ClusterIdentifier, Database, DbUser }).toEqual(cluster);

    const described = await client.send(new DescribeStatementCommand({ Id }));
    expect(described).toMatchObject({
      Id,
      Status: "FINISHED",
      QueryString: "select n, s from t",
      HasResultSet: true,
      ResultRows: 5,
      ResultSize: 42,
      RedshiftQueryId: 100,
      ClusterIdentifier: "local-cluster",
    });
    expect(described.SubStatements).toBeUndefined();

    const first = await client.send(new GetStatementResultCommand({ Id }));
    expect(first.TotalNumRows).toBe(5);
    expect(first.Records).toEqual([
      [{ longValue: 0 }, { stringValue: "row 0" }],
      [{ longValue: 1 }, { isNull: true }],
    ]);
    expect(first.ColumnMetadata?.map((c) => [c.name, c.typeName, c.precision, c.tableName])).toEqual([
      ["n", "int4", 10, ""],
      ["s", "varchar", 10, "t"],
    ]);
    const records = [...(first.Records ?? [])];
    let token = first.NextToken;
    while (token !== undefined) {
      const page = await client.send(new GetStatementResultCommand({ Id, NextToken: token }));
      records.push(...(page.Records ?? []));
      token = page.NextToken;
    }
    expect(records.map((r) => r[0]?.longValue)).toEqual([0, 1, 2, 3, 4]);
  });

  it("numbers a batch's sub-statements and returns results only per sub-statement", async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        WorkgroupName: "wg-local",
        Database: "warehouse",
        Sqls: ["select 1", "select 2"],
      }),
    );
    const described = await client.send(new DescribeStatementCommand({ Id }));
    expect(described.WorkgroupName).toBe("wg-local");
    expect(described.ClusterIdentifier).toBeUndefined();
    expect(described.SubStatements?.map((s) => [s.Id, s.QueryString, s.Status])).toEqual([
      [`${Id}:1`, "select 1", "FINISHED"],
      [`${Id}:2`, "select 2", "FINISHED"],
    ]);
    const sub = await client.send(new DescribeStatementCommand({ Id: `${Id}:2` }));
    expect([sub.Id, sub.QueryString, sub.RedshiftQueryId]).toEqual([`${Id}:2`, "select 2", 101]);
    expect((await client.send(new GetStatementResultCommand({ Id: `${Id}:1` }))).TotalNumRows).toBe(5);
    expect(await rejection(client.send(new GetStatementResultCommand({ Id })))).toBeInstanceOf(ValidationException);
  });

  it("answers ResourceNotFoundException for an unknown id, ValidationException for a malformed one", async () => {
    const unknown = "00000000-0000-0000-0000-000000000000";
    const notFound = await rejection(client.send(new DescribeStatementCommand({ Id: unknown })));
    expect(notFound).toBeInstanceOf(ResourceNotFoundException);
    expect(notFound.ResourceId).toBe(unknown);
    expect(notFound.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect(await rejection(client.send(new DescribeStatementCommand({ Id: "not-an-id" })))).toBeInstanceOf(
      ValidationException,
    );
  });

  it("validates who and where a statement runs", async () => {
    const refused = async (input: Record<string, unknown>): Promise<string> => {
      const error = await rejection(client.send(new ExecuteStatementCommand({ Sql: "select 1", ...input })));
      expect(error).toBeInstanceOf(ValidationException);
      return error.message;
    };
    expect(await refused({ Database: "d" })).toMatch(/ClusterIdentifier .* or WorkgroupName/);
    expect(await refused({ ClusterIdentifier: "c", WorkgroupName: "w", Database: "d" })).toMatch(/mutually exclusive/);
    expect(await refused({ ClusterIdentifier: "c", Database: "d", DbUser: "u", SecretArn: "s" })).toMatch(/SecretArn/);
    expect(await refused({ WorkgroupName: "wg-local", Database: "d", DbUser: "u" })).toMatch(/DbUser/);
    expect(await refused({ ClusterIdentifier: "c", DbUser: "u" })).toMatch(/Database is required/);
    expect(await refused({ ...cluster, Sql: " " })).toMatch(/empty/);
    expect(await refused({ ...cluster, Parameters: [{ name: "unused", value: "1" }] })).toMatch(/unused/);
    // A secret names its database; the emulator cannot read it and uses its default.
    const { Database } = await client.send(
      new ExecuteStatementCommand({ ClusterIdentifier: "c", SecretArn: "arn:aws:secretsmanager:x", Sql: "select 1" }),
    );
    expect(Database).toBe("dev");
  });

  it("refuses by name what it does not emulate", async () => {
    const sessions = await rejection(
      client.send(new ExecuteStatementCommand({ ...cluster, Sql: "select 1", SessionKeepAliveSeconds: 60 })),
    );
    expect([sessions.name, sessions.message]).toEqual([
      "NotEmulatedException",
      "Sessions (SessionId, SessionKeepAliveSeconds) is not emulated by the Redshift Data API emulator",
    ]);
    expect((await rejection(client.send(new DescribeTableCommand({ ...cluster })))).name).toBe("NotEmulatedException");
    const raw = await fetch(endpoint, {
      method: "POST",
      headers: { "x-amz-target": "RedshiftData.Bogus", "content-type": "application/x-amz-json-1.1" },
      body: "{}",
    });
    expect([raw.status, raw.headers.get("x-amzn-errortype")]).toEqual([400, "UnknownOperationException"]);
    const health = await fetch(`${endpoint}/readyz`);
    expect(await health.json()).toEqual({ status: "ready", checks: { postgres: true } });
  });

  it("returns the same statement for a retried ClientToken", async () => {
    const input = { ...cluster, Sql: "select 1", ClientToken: "retry-token-1" };
    const a = await client.send(new ExecuteStatementCommand(input));
    const b = await client.send(new ExecuteStatementCommand(input));
    expect(b.Id).toBe(a.Id);
  });

  it("cancels a statement once, limits active statements, and lists history newest first", async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...cluster, Sql: "select hold" }));
    expect((await client.send(new DescribeStatementCommand({ Id }))).Status).toBe("SUBMITTED");
    const waited = await client.send(new ExecuteStatementCommand({ ...cluster, Sql: "select 1", WaitTimeSeconds: 1 }));
    expect(waited.Status).toBe("FINISHED");

    await client.send(new ExecuteStatementCommand({ ...cluster, Sql: "select hold 2" }));
    await client.send(new ExecuteStatementCommand({ ...cluster, Sql: "select hold 3" }));
    const exceeded = await rejection(client.send(new ExecuteStatementCommand({ ...cluster, Sql: "select hold 4" })));
    expect(exceeded.name).toBe("ActiveStatementsExceededException");

    expect((await client.send(new CancelStatementCommand({ Id }))).Status).toBe(true);
    const cancelled = await client.send(new DescribeStatementCommand({ Id }));
    expect([cancelled.Status, cancelled.Error]).toEqual(["ABORTED", "ERROR: Query (1) cancelled on user's request"]);
    expect((await rejection(client.send(new CancelStatementCommand({ Id })))).message).toMatch(/already in ABORTED/);
    for (const statement of held) engine.cancel(statement);

    const { Statements, NextToken } = await client.send(new ListStatementsCommand({ MaxResults: 2 }));
    expect(Statements?.map((s) => s.QueryString)).toEqual(["select hold 3", "select hold 2"]);
    const next = await client.send(new ListStatementsCommand({ MaxResults: 2, NextToken }));
    expect(next.Statements?.[0]?.QueryString).toBe("select 1");

    const named = await client.send(new ListStatementsCommand({ StatementName: "api-", Status: "FINISHED" }));
    expect(named.Statements?.map((s) => [s.StatementName, s.IsBatchStatement])).toEqual([["api-test", false]]);
    const batches = await client.send(new ListStatementsCommand({ WorkgroupName: "wg-local" }));
    expect(batches.Statements?.map((s) => s.QueryStrings)).toEqual([["select 1", "select 2"]]);
  });
});
