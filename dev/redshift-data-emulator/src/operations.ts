import type { Engine } from "./engine.js";
import { ApiError, apiNotEmulated, validation } from "./errors.js";
import {
  checkLength,
  optionalInteger,
  optionalObjectList,
  optionalString,
  optionalStringList,
  requiredString,
  type Input,
} from "./input.js";
import { toColumnMetadata, toField } from "./results.js";
import { SqlLexError } from "./sql-lexer.js";
import { bindParameters, type SqlParameter } from "./sql-parameters.js";
import { isTerminal, Statement, type StatementStore, type SubStatement, type Target } from "./statements.js";

export interface OperationsOptions {
  readonly store: StatementStore;
  readonly engine: Pick<Engine, "submit" | "cancel">;
  /** Database of a call that names none (with SecretArn, whose secret would name it). */
  readonly defaultDatabase: string;
  /** Statements not finished yet before ActiveStatementsExceededException. */
  readonly maxActiveStatements: number;
  /** Records per GetStatementResult page. */
  readonly pageRecords: number;
}

export type Output = Record<string, unknown>;
export type Operation = (input: Input) => Promise<Output>;

const statementId = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/;
const parameterName = /^[0-9a-zA-Z_]+$/;
const MAX_BATCH = 40;
const MAX_WAIT_SECONDS = 30;

/** AWS JSON encodes timestamps as epoch seconds. */
const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** Drops undefined members: the wire shape leaves absent members out. */
function compact(output: Record<string, unknown>): Output {
  return Object.fromEntries(Object.entries(output).filter(([, v]) => v !== undefined));
}

/** A provisioned cluster or a serverless workgroup, never both. */
function readCompute(input: Input): { clusterIdentifier: string | undefined; workgroupName: string | undefined } {
  const clusterIdentifier = optionalString(input, "ClusterIdentifier");
  const workgroupName = optionalString(input, "WorkgroupName");
  if (clusterIdentifier !== undefined && workgroupName !== undefined) {
    throw validation("ClusterIdentifier and WorkgroupName are mutually exclusive: name the cluster or the workgroup");
  }
  return { clusterIdentifier, workgroupName };
}

/**
 * Who and where, as Execute/BatchExecuteStatement name it: a provisioned cluster (ClusterIdentifier, with SecretArn,
 * DbUser or the caller's IAM identity) or a serverless workgroup (WorkgroupName, with SecretArn or the IAM identity).
 */
function readTarget(input: Input, defaultDatabase: string): Target {
  const { clusterIdentifier, workgroupName } = readCompute(input);
  const secretArn = optionalString(input, "SecretArn");
  const dbUser = optionalString(input, "DbUser");
  const database = optionalString(input, "Database");
  if (clusterIdentifier === undefined && workgroupName === undefined) {
    throw validation("Either ClusterIdentifier (provisioned) or WorkgroupName (serverless) is required");
  }
  if (secretArn !== undefined && dbUser !== undefined) {
    throw validation("SecretArn and DbUser are mutually exclusive: authenticate with a secret or as a database user");
  }
  if (workgroupName !== undefined && dbUser !== undefined) {
    throw validation("DbUser is not supported for a serverless workgroup: use SecretArn or IAM credentials");
  }
  if (database === undefined && secretArn === undefined) {
    throw validation("Database is required when authenticating with temporary credentials");
  }
  checkLength("ClusterIdentifier", clusterIdentifier, 1, 63);
  checkLength("WorkgroupName", workgroupName, 3, 128);
  return { clusterIdentifier, workgroupName, database: database ?? defaultDatabase, dbUser, secretArn };
}

function readParameters(input: Input, sqls: readonly string[]): SqlParameter[] {
  const list = optionalObjectList(input, "Parameters") ?? [];
  const parameters = list.map((p) => ({ name: requiredString(p, "name"), value: requiredString(p, "value") }));
  const names = new Set<string>();
  for (const p of parameters) {
    if (!parameterName.test(p.name)) throw validation(`Parameter name "${p.name}" must match [0-9a-zA-Z_]+`);
    if (p.value === "") throw validation(`Parameter "${p.name}" has an empty value`);
    if (names.has(p.name)) throw validation(`Parameter "${p.name}" is given twice`);
    names.add(p.name);
  }
  if (parameters.length > 0) {
    const used = new Set<string>();
    for (const sql of sqls) {
      try {
        for (const name of bindParameters(sql, parameters).used) used.add(name);
      } catch (error) {
        // Unterminated literal: the statement itself fails with the syntax error.
        if (!(error instanceof SqlLexError)) throw error;
        return parameters;
      }
    }
    const unused = parameters.filter((p) => !used.has(p.name)).map((p) => p.name);
    if (unused.length > 0) throw validation(`Parameters not referenced by the SQL: ${unused.join(", ")}`);
  }
  return parameters;
}

/** Parameters of the real API the emulator does not implement: refused by name rather than ignored. */
function refuseNotEmulated(input: Input): void {
  if (input["SessionId"] !== undefined || input["SessionKeepAliveSeconds"] !== undefined) {
    throw apiNotEmulated("Sessions (SessionId, SessionKeepAliveSeconds)");
  }
  const format = optionalString(input, "ResultFormat");
  if (format !== undefined && format !== "JSON") throw apiNotEmulated(`ResultFormat ${format}`);
  const mode = optionalString(input, "ExecutionMode");
  if (mode !== undefined && mode !== "TRANSACTION") throw apiNotEmulated(`ExecutionMode ${mode}`);
}

function targetOutput(target: Target): Output {
  return {
    ClusterIdentifier: target.clusterIdentifier,
    WorkgroupName: target.workgroupName,
    Database: target.database,
    DbUser: target.dbUser,
    SecretArn: target.secretArn,
  };
}

function readId(input: Input): string {
  const id = requiredString(input, "Id");
  if (!statementId.test(id)) {
    throw validation(
      `1 validation error detected: Value '${id}' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ${statementId.source}`,
    );
  }
  return id;
}

function subStatementOutput(sub: SubStatement): Output {
  return compact({
    Id: sub.id,
    Duration: sub.durationNs,
    Error: sub.error,
    Status: sub.status,
    CreatedAt: epochSeconds(sub.createdAt),
    UpdatedAt: epochSeconds(sub.updatedAt),
    QueryString: sub.sql,
    ResultRows: sub.resultRows,
    ResultSize: sub.resultSize,
    RedshiftQueryId: sub.queryId,
    HasResultSet: sub.hasResultSet,
  });
}

/** The Data API's operations over the emulator's statement store and engine. */
export function createOperations(options: OperationsOptions): Record<string, Operation> {
  const { store, engine } = options;

  const find = (id: string): { statement: Statement; sub: SubStatement | undefined } => {
    const found = store.find(id);
    if (found === undefined)
      throw new ApiError("ResourceNotFoundException", "Query does not exist.", { ResourceId: id });
    return found;
  };

  const waitSeconds = (input: Input): number => optionalInteger(input, "WaitTimeSeconds", 0, MAX_WAIT_SECONDS) ?? 0;

  async function submit(input: Input, sqls: string[], isBatch: boolean): Promise<Output> {
    refuseNotEmulated(input);
    const target = readTarget(input, options.defaultDatabase);
    const statementName = optionalString(input, "StatementName");
    checkLength("StatementName", statementName, 0, 500);
    const parameters = readParameters(input, sqls);
    const wait = waitSeconds(input);
    const clientToken = optionalString(input, "ClientToken");
    checkLength("ClientToken", clientToken, 1, 64);
    let statement = clientToken === undefined ? undefined : store.byClientToken(clientToken);
    if (statement === undefined) {
      if (store.activeCount() >= options.maxActiveStatements) {
        throw new ApiError(
          "ActiveStatementsExceededException",
          `The number of active statements exceeds the limit (${options.maxActiveStatements})`,
        );
      }
      statement = new Statement({ sqls, isBatch, target, parameters, statementName });
      store.add(statement, clientToken);
      engine.submit(statement);
    }
    await statement.settle(wait * 1000);
    return compact({
      Id: statement.id,
      CreatedAt: epochSeconds(statement.createdAt),
      ...targetOutput(statement.target),
      // Only a call that waited learns how far the statement got.
      ...(wait > 0
        ? { Status: statement.status, RedshiftPid: statement.redshiftPid, HasResultSet: statement.hasResultSet }
        : {}),
    });
  }

  return {
    ExecuteStatement: async (input) => {
      const sql = requiredString(input, "Sql");
      if (sql.trim() === "") throw validation("Sql must not be empty");
      return submit(input, [sql], false);
    },

    BatchExecuteStatement: async (input) => {
      const sqls = optionalStringList(input, "Sqls");
      if (sqls === undefined || sqls.length === 0) throw validation("Sqls must list at least one SQL statement");
      if (sqls.length > MAX_BATCH) throw validation(`Sqls lists ${sqls.length} statements; at most ${MAX_BATCH}`);
      if (sqls.some((s) => s.trim() === "")) throw validation("Sqls must not contain an empty statement");
      return submit(input, sqls, true);
    },

    DescribeStatement: async (input) => {
      const id = readId(input);
      const { statement, sub } = find(id);
      await statement.settle(waitSeconds(input) * 1000);
      const common = {
        ...targetOutput(statement.target),
        RedshiftPid: statement.redshiftPid,
        QueryParameters: statement.parameters.length > 0 ? statement.parameters : undefined,
        ResultFormat: "JSON",
      };
      if (sub !== undefined) return compact({ ...subStatementOutput(sub), ...common });
      const [only] = statement.subs;
      const single = !statement.isBatch && only !== undefined ? only : undefined;
      return compact({
        Id: statement.id,
        ...common,
        Duration: statement.durationNs,
        Error: statement.error,
        Status: statement.status,
        CreatedAt: epochSeconds(statement.createdAt),
        UpdatedAt: epochSeconds(statement.updatedAt),
        HasResultSet: statement.hasResultSet,
        QueryString: single?.sql,
        ResultRows: single?.resultRows ?? -1,
        ResultSize: single?.resultSize ?? -1,
        RedshiftQueryId: single?.queryId ?? statement.subs[0]?.queryId ?? 0,
        SubStatements: statement.isBatch ? statement.subs.map(subStatementOutput) : undefined,
        ExecutionMode: statement.isBatch ? "TRANSACTION" : undefined,
      });
    },

    GetStatementResult: async (input) => {
      const id = readId(input);
      const { statement, sub } = find(id);
      if (statement.isBatch && sub === undefined) {
        throw validation(
          `${id} is a batch: ask for the result of one of its sub-statements (${id}:1 to ${id}:${statement.subs.length})`,
        );
      }
      await statement.settle(waitSeconds(input) * 1000);
      const target = sub ?? statement.subs[0];
      const result = target?.status === "FINISHED" ? target.result : undefined;
      if (result === undefined) {
        throw new ApiError(
          "ResourceNotFoundException",
          "Query does not have result. Please check query status with DescribeStatement.",
          { ResourceId: id },
        );
      }
      const token = optionalString(input, "NextToken");
      const offset = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
      if (!Number.isInteger(offset) || offset < 0 || offset > result.rows.length) {
        throw validation("NextToken is not valid for this statement");
      }
      const page = result.rows.slice(offset, offset + options.pageRecords);
      const next = offset + page.length;
      return compact({
        Records: page.map((row) => result.columns.map((c, i) => toField(c, row[i] ?? null))),
        ColumnMetadata: result.columns.map(toColumnMetadata),
        TotalNumRows: result.rows.length,
        NextToken: next < result.rows.length ? Buffer.from(String(next)).toString("base64url") : undefined,
      });
    },

    CancelStatement: (input) => {
      const id = readId(input);
      const { statement } = find(id);
      if (isTerminal(statement.status)) {
        throw validation(`Could not cancel a query that is already in ${statement.status} state.`);
      }
      engine.cancel(statement);
      return Promise.resolve({ Status: true });
    },

    ListStatements: (input) => {
      const maxResults = optionalInteger(input, "MaxResults", 0, 100) || 100;
      const status = optionalString(input, "Status") ?? "ALL";
      const statuses = ["ABORTED", "ALL", "FAILED", "FINISHED", "PICKED", "STARTED", "SUBMITTED"];
      if (!statuses.includes(status)) throw validation(`Status must be one of ${statuses.join(", ")}`);
      const name = optionalString(input, "StatementName");
      const { clusterIdentifier: cluster, workgroupName: workgroup } = readCompute(input);
      const database = optionalString(input, "Database");
      const token = optionalString(input, "NextToken");
      const matching = store
        .list()
        .filter(
          (s) =>
            (status === "ALL" || s.status === status) &&
            (name === undefined || (s.statementName ?? "").startsWith(name)) &&
            (cluster === undefined || s.target.clusterIdentifier === cluster) &&
            (workgroup === undefined || s.target.workgroupName === workgroup) &&
            (database === undefined || s.target.database === database),
        );
      // The token names the last statement returned; statements only ever get added at the newest end.
      const start = token === undefined ? 0 : matching.findIndex((s) => s.id === token) + 1;
      if (token !== undefined && start === 0) throw validation("NextToken is not valid");
      const page = matching.slice(start, start + maxResults);
      const last = page[page.length - 1];
      return Promise.resolve(
        compact({
          Statements: page.map((s) =>
            compact({
              Id: s.id,
              QueryString: s.isBatch ? undefined : s.subs[0]?.sql,
              QueryStrings: s.isBatch ? s.subs.map((sub) => sub.sql) : undefined,
              SecretArn: s.target.secretArn,
              Status: s.status,
              StatementName: s.statementName,
              CreatedAt: epochSeconds(s.createdAt),
              UpdatedAt: epochSeconds(s.updatedAt),
              QueryParameters: s.parameters.length > 0 ? s.parameters : undefined,
              IsBatchStatement: s.isBatch,
              ResultFormat: "JSON",
            }),
          ),
          NextToken: last !== undefined && start + page.length < matching.length ? last.id : undefined,
        }),
      );
    },

    ...Object.fromEntries(
      ["GetStatementResultV2", "DescribeTable", "ListDatabases", "ListSchemas", "ListTables", "ListSessions"].map(
        (name): [string, Operation] => [name, () => Promise.reject(apiNotEmulated(name))],
      ),
    ),
  };
}
