import pg from "pg";
import { redshiftMessage, StatementError, valueTooLong } from "./errors.js";
import { findOverlongValue, type ResultColumn } from "./results.js";
import { firstKeyword, SqlLexError } from "./sql-lexer.js";
import { bindParameters } from "./sql-parameters.js";
import { isTerminal, type QueryResult, type Statement, type SubStatement } from "./statements.js";
import { parseUnload } from "./unload/unload-parser.js";
import { runUnload, type UnloadDeps } from "./unload/unload-runner.js";

/**
 * Settings of every session, applied to the statement's connection and to DuckDB's: Redshift's string literals treat
 * a backslash as an escape (PostgreSQL does so with standard_conforming_strings off), and a Redshift session's
 * time zone is UTC.
 */
export const sessionSettings: readonly string[] = [
  "SET standard_conforming_strings = off",
  "SET escape_string_warning = off",
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, MDY'",
];

export interface EngineOptions {
  /** libpq URL of the PostgreSQL server; its database part is replaced by each statement's Database. */
  readonly postgresUrl: string;
  /** Statements running at once (a Redshift WLM queue's slots); the others wait SUBMITTED. */
  readonly maxConcurrency: number;
  readonly unload: UnloadDeps;
  readonly log: (fields: Record<string, unknown>, message: string) => void;
}

/** Every value arrives as PostgreSQL's text form: the result is typed from the column types, as the Data API does. */
const rawTypes = { getTypeParser: () => (value: string) => value };

const cancelledMessage = (queryId: number): string => redshiftMessage(`Query (${queryId}) cancelled on user's request`);

/** A FIFO of slots; a waiter whose signal aborts leaves the queue. */
class Slots {
  #free: number;
  readonly #waiters: { resolve: () => void; signal: AbortSignal }[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw new Error("aborted");
    if (this.#free > 0) this.#free -= 1;
    else {
      await new Promise<void>((resolve, reject) => {
        const waiter = { resolve, signal };
        this.#waiters.push(waiter);
        signal.addEventListener(
          "abort",
          () => {
            const i = this.#waiters.indexOf(waiter);
            if (i !== -1) this.#waiters.splice(i, 1);
            reject(new Error("aborted"));
          },
          { once: true },
        );
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next === undefined) this.#free += 1;
      else next.resolve();
    };
  }
}

/** PostgreSQL's error as Redshift prints it: severity ("ERROR", or "FATAL" when connecting failed) and message. */
function fromPostgres(error: unknown): StatementError {
  if (error instanceof StatementError) return error;
  if (error instanceof SqlLexError) return new StatementError("SYNTAX", redshiftMessage(error.message));
  if (error instanceof pg.DatabaseError) {
    const severity = error.severity === "FATAL" ? "FATAL" : "ERROR";
    const lines = [`${severity}: ${error.message}`];
    if (error.detail !== undefined) lines.push(`DETAIL: ${error.detail}`);
    if (error.hint !== undefined) lines.push(`HINT: ${error.hint}`);
    return new StatementError(error.code === "42601" ? "SYNTAX" : "DATABASE", lines.join("\n"), { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StatementError("DATABASE", redshiftMessage(message), { cause: error });
}

const isUnload = (sql: string): boolean => {
  try {
    return firstKeyword(sql) === "UNLOAD";
  } catch {
    return false;
  }
};

/**
 * Runs statements on PostgreSQL the way the Data API runs them on Redshift: asynchronously, each on a session of its
 * own (a new connection: no SET, temporary table or open transaction leaks from one statement to the next), at most
 * `maxConcurrency` at once. A batch runs in one REPEATABLE READ transaction (Redshift's snapshot isolation), rolled
 * back as a whole when one of its statements fails or is cancelled.
 */
export class Engine {
  readonly #slots: Slots;
  readonly #running = new Map<Statement, Promise<void>>();
  #queryIds = 1000;

  constructor(private readonly options: EngineOptions) {
    this.#slots = new Slots(options.maxConcurrency);
  }

  /** libpq URL of one database of the server. */
  urlOf(database: string): string {
    const url = new URL(this.options.postgresUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  }

  /** Starts running the statement in the background; its status tells how far it got. */
  submit(statement: Statement): void {
    const run = this.#run(statement).finally(() => this.#running.delete(statement));
    this.#running.set(statement, run);
  }

  /**
   * Cancels a statement not finished yet: one still waiting for a slot ends ABORTED at once; a running one is
   * interrupted (pg_cancel_backend of its backend, DuckDB interrupted for an UNLOAD) and ends ABORTED shortly after.
   */
  cancel(statement: Statement): void {
    if (isTerminal(statement.status) || statement.cancellation.signal.aborted) return;
    statement.cancellation.abort();
    void this.#cancelUntilEnded(statement);
  }

  /**
   * pg_cancel_backend until the statement has ended: a cancel that reaches the backend between two queries (after
   * the run checked the signal, before PostgreSQL got the next query) interrupts nothing, so it is sent again.
   */
  async #cancelUntilEnded(statement: Statement): Promise<void> {
    for (let tries = 0; !isTerminal(statement.status) && tries < 240; tries++) {
      if (statement.redshiftPid !== 0)
        await this.cancelBackend(statement.target.database, statement.redshiftPid).catch((error: unknown) =>
          this.options.log({ statementId: statement.id, err: error }, "pg_cancel_backend failed"),
        );
      await new Promise((resolve) => setTimeout(resolve, 250).unref());
    }
  }

  /** pg_cancel_backend(pid) from a connection of its own. */
  async cancelBackend(database: string, pid: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.urlOf(database) });
    await client.connect();
    try {
      await client.query("SELECT pg_cancel_backend($1)", [pid]);
    } finally {
      await client.end();
    }
  }

  /** Cancels every statement not finished yet and waits until each has ended (shutdown). */
  async close(): Promise<void> {
    const running = [...this.#running];
    for (const [statement] of running) this.cancel(statement);
    await Promise.allSettled(running.map(([, run]) => run));
  }

  async #run(statement: Statement): Promise<void> {
    const { signal } = statement.cancellation;
    let release: () => void;
    try {
      release = await this.#slots.acquire(signal);
    } catch {
      statement.ended("ABORTED", cancelledMessage(0));
      return;
    }
    const client = new pg.Client({
      connectionString: this.urlOf(statement.target.database),
      application_name: `redshift-data-emulator ${statement.id}`,
    });
    let current: SubStatement | undefined;
    let inTransaction = false;
    try {
      statement.picked();
      await client.connect();
      // pg keeps the backend's pid from BackendKeyData (not in its type definitions).
      statement.redshiftPid = (client as unknown as { processID?: number | null }).processID ?? 0;
      // A CancelStatement that came while connecting had no backend to cancel yet.
      if (signal.aborted) throw new Error("cancelled");
      await client.query(sessionSettings.join("; "));
      // UNLOAD reads through DuckDB's connection, which imports this transaction's snapshot.
      if (statement.isBatch || statement.subs.some((s) => isUnload(s.sql))) {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
        inTransaction = true;
      }
      for (const sub of statement.subs) {
        if (signal.aborted) throw new Error("cancelled");
        current = sub;
        const queryId = (this.#queryIds += 1);
        statement.started(sub, queryId);
        const outcome = isUnload(sub.sql)
          ? await this.#unload(statement, sub, client)
          : await this.#query(statement, sub, client);
        statement.subFinished(sub, outcome);
      }
      if (inTransaction) await client.query("COMMIT");
      inTransaction = false;
      statement.finished();
    } catch (error) {
      // PostgreSQL reports the cancel as 57014; DuckDB as an interrupt; between statements nothing ran at all.
      if (signal.aborted) statement.ended("ABORTED", cancelledMessage(current?.queryId ?? 0));
      else statement.ended("FAILED", fromPostgres(error).message);
      this.options.log(
        { statementId: statement.id, status: statement.status, error: statement.error },
        "statement did not finish",
      );
    } finally {
      // A cancelled or failed batch's transaction is rolled back with the session.
      await client.end().catch(() => undefined);
      release();
    }
  }

  async #query(
    statement: Statement,
    sub: SubStatement,
    client: pg.Client,
  ): Promise<{ result?: QueryResult; resultRows: number; resultSize: number }> {
    const bound = bindParameters(sub.sql, statement.parameters);
    const response = await client.query({
      text: bound.text,
      values: [...bound.values],
      rowMode: "array",
      types: rawTypes,
    });
    // Several statements in one text (simple query protocol) give several results: the last one is the answer.
    const results = (Array.isArray(response) ? response : [response]) as pg.QueryArrayResult<(string | null)[]>[];
    const last = results[results.length - 1];
    if (last === undefined || last.fields.length === 0) {
      return { resultRows: last?.rowCount ?? 0, resultSize: 0 };
    }
    const columns = await describeResult(client, last.fields);
    const overlong = findOverlongValue(columns, last.rows);
    if (overlong !== undefined) throw valueTooLong(overlong.column, overlong.bytes, sub.queryId);
    const resultSize = Buffer.byteLength(JSON.stringify(last.rows), "utf8");
    return { result: { columns, rows: last.rows }, resultRows: last.rows.length, resultSize };
  }

  async #unload(
    statement: Statement,
    sub: SubStatement,
    client: pg.Client,
  ): Promise<{ resultRows: number; resultSize: number }> {
    const unload = parseUnload(sub.sql);
    const outcome = await runUnload(
      {
        unload,
        target: statement.target,
        queryId: sub.queryId,
        client,
        conninfo: this.urlOf(statement.target.database),
        signal: statement.cancellation.signal,
      },
      this.options.unload,
    );
    this.options.log(
      { statementId: sub.id, rows: outcome.rows, files: outcome.files.length, to: unload.to },
      "unload finished",
    );
    return { resultRows: outcome.rows, resultSize: 0 };
  }
}

/** Names of the result's types and tables (one catalog query each). */
async function describeResult(client: pg.Client, fields: readonly pg.FieldDef[]): Promise<ResultColumn[]> {
  const typeIds = [...new Set(fields.map((f) => f.dataTypeID))];
  const tableIds = [...new Set(fields.map((f) => f.tableID).filter((id) => id !== 0))];
  const types = await client.query<{ oid: string; typname: string }>(
    "SELECT oid::text AS oid, typname FROM pg_type WHERE oid = ANY($1::oid[])",
    [typeIds],
  );
  const tables =
    tableIds.length === 0
      ? { rows: [] }
      : await client.query<{ oid: string; nspname: string; relname: string }>(
          `SELECT c.oid::text AS oid, n.nspname, c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`,
          [tableIds],
        );
  const typeName = new Map(types.rows.map((r) => [Number(r.oid), r.typname]));
  const table = new Map(tables.rows.map((r) => [Number(r.oid), r]));
  return fields.map((f) => ({
    name: f.name,
    typeName: typeName.get(f.dataTypeID) ?? "unknown",
    typeModifier: f.dataTypeModifier,
    schemaName: table.get(f.tableID)?.nspname ?? "",
    tableName: table.get(f.tableID)?.relname ?? "",
  }));
}
