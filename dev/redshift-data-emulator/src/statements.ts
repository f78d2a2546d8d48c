import { randomUUID } from "node:crypto";
import type { SqlParameter } from "./sql-parameters.js";
import type { ResultColumn } from "./results.js";

/** The Data API's statement statuses, in lifecycle order. */
export type StatementStatus = "SUBMITTED" | "PICKED" | "STARTED" | "FINISHED" | "FAILED" | "ABORTED";

const terminalStatuses: ReadonlySet<StatementStatus> = new Set(["FINISHED", "FAILED", "ABORTED"]);
export const isTerminal = (status: StatementStatus): boolean => terminalStatuses.has(status);

/** Where a statement runs and as whom, as the caller named it (recorded and echoed, never authenticated). */
export interface Target {
  /** Provisioned cluster; exactly one of clusterIdentifier and workgroupName is set. */
  readonly clusterIdentifier?: string | undefined;
  /** Serverless workgroup. */
  readonly workgroupName?: string | undefined;
  readonly database: string;
  readonly dbUser?: string | undefined;
  readonly secretArn?: string | undefined;
}

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  /** Values in PostgreSQL's text form. */
  readonly rows: readonly (readonly (string | null)[])[];
}

/** One SQL text of a statement: the only one of ExecuteStatement, or `<id>:<n>` of a batch. */
export class SubStatement {
  status: StatementStatus = "SUBMITTED";
  error: string | undefined;
  updatedAt: Date;
  startedAt: Date | undefined;
  endedAt: Date | undefined;
  result: QueryResult | undefined;
  /** Rows returned or affected (rows unloaded for UNLOAD); -1 while unknown. */
  resultRows = -1;
  /** Bytes of the result; -1 while unknown. */
  resultSize = -1;
  hasResultSet = false;
  /** Redshift's query id: one per SQL text run. */
  queryId = 0;

  constructor(
    readonly id: string,
    readonly sql: string,
    readonly createdAt: Date,
  ) {
    this.updatedAt = createdAt;
  }

  /** Nanoseconds it ran, -1 until it ended (as the Data API reports a statement still running). */
  get durationNs(): number {
    if (this.startedAt === undefined || this.endedAt === undefined) return -1;
    return (this.endedAt.getTime() - this.startedAt.getTime()) * 1_000_000;
  }
}

export interface StatementInit {
  readonly sqls: readonly string[];
  readonly isBatch: boolean;
  readonly target: Target;
  readonly parameters: readonly SqlParameter[];
  readonly statementName?: string | undefined;
  readonly now?: Date;
}

/**
 * A submitted ExecuteStatement or BatchExecuteStatement and its history: status transitions (SUBMITTED → PICKED →
 * STARTED → FINISHED | FAILED | ABORTED, never backwards), timestamps, error, results. The engine drives it.
 */
export class Statement {
  readonly id: string = randomUUID();
  readonly isBatch: boolean;
  readonly target: Target;
  readonly parameters: readonly SqlParameter[];
  readonly statementName: string | undefined;
  readonly createdAt: Date;
  readonly subs: readonly SubStatement[];
  status: StatementStatus = "SUBMITTED";
  updatedAt: Date;
  error: string | undefined;
  /** PostgreSQL backend pid that ran it (Redshift's process id). */
  redshiftPid = 0;
  /** Aborted by CancelStatement (or shutdown). */
  readonly cancellation = new AbortController();
  readonly #done: Promise<void>;
  #resolveDone: () => void = () => undefined;

  constructor(init: StatementInit) {
    this.createdAt = init.now ?? new Date();
    this.updatedAt = this.createdAt;
    this.isBatch = init.isBatch;
    this.target = init.target;
    this.parameters = init.parameters;
    this.statementName = init.statementName;
    this.subs = init.sqls.map(
      (sql, i) => new SubStatement(init.isBatch ? `${this.id}:${i + 1}` : this.id, sql, this.createdAt),
    );
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  get hasResultSet(): boolean {
    return this.subs.some((s) => s.hasResultSet);
  }

  get startedAt(): Date | undefined {
    return this.subs[0]?.startedAt;
  }

  get endedAt(): Date | undefined {
    return isTerminal(this.status) ? this.updatedAt : undefined;
  }

  get durationNs(): number {
    const start = this.startedAt;
    const end = this.endedAt;
    return start === undefined || end === undefined ? -1 : (end.getTime() - start.getTime()) * 1_000_000;
  }

  #set(status: StatementStatus, now: Date): void {
    if (isTerminal(this.status)) return;
    this.status = status;
    this.updatedAt = now;
  }

  /** A database connection was taken for it. */
  picked(now = new Date()): void {
    this.#set("PICKED", now);
    for (const sub of this.subs) {
      if (sub.status !== "SUBMITTED") continue;
      sub.status = "PICKED";
      sub.updatedAt = now;
    }
  }

  started(sub: SubStatement, queryId: number, now = new Date()): void {
    this.#set("STARTED", now);
    sub.status = "STARTED";
    sub.queryId = queryId;
    sub.startedAt = now;
    sub.updatedAt = now;
  }

  subFinished(
    sub: SubStatement,
    outcome: { result?: QueryResult; resultRows: number; resultSize: number },
    now = new Date(),
  ): void {
    sub.status = "FINISHED";
    sub.result = outcome.result;
    sub.hasResultSet = outcome.result !== undefined;
    sub.resultRows = outcome.resultRows;
    sub.resultSize = outcome.resultSize;
    sub.endedAt = now;
    sub.updatedAt = now;
    this.updatedAt = now;
  }

  /** Every SQL text ran and (for a transaction) committed. */
  finished(now = new Date()): void {
    this.#set("FINISHED", now);
    this.#resolveDone();
  }

  /**
   * Ends the statement FAILED or ABORTED with `error`: the sub-statement that was running gets that status and
   * error, those that never started are ABORTED (a batch's transaction is rolled back as a whole).
   */
  ended(status: "FAILED" | "ABORTED", error: string, now = new Date()): void {
    for (const sub of this.subs) {
      if (isTerminal(sub.status)) continue;
      const running = sub.status === "STARTED";
      sub.status = running ? status : "ABORTED";
      if (running) sub.error = error;
      if (running) sub.endedAt = now;
      sub.updatedAt = now;
    }
    this.error = error;
    this.#set(status, now);
    this.#resolveDone();
  }

  /** Resolves when the statement reached a terminal status, or after `ms`. */
  async settle(ms: number): Promise<void> {
    if (isTerminal(this.status) || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#done, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}

/**
 * The statements the Data API knows, newest last: what DescribeStatement, GetStatementResult and ListStatements read,
 * like Redshift's statement history. At most `limit` are kept; the oldest finished ones are forgotten first.
 */
export class StatementStore {
  readonly #byId = new Map<string, Statement>();
  readonly #byClientToken = new Map<string, Statement>();

  constructor(private readonly limit: number) {}

  add(statement: Statement, clientToken?: string): void {
    this.#byId.set(statement.id, statement);
    if (clientToken !== undefined) this.#byClientToken.set(clientToken, statement);
    if (this.#byId.size <= this.limit) return;
    for (const [id, old] of this.#byId) {
      if (this.#byId.size <= this.limit) break;
      if (!isTerminal(old.status)) continue;
      this.#byId.delete(id);
    }
    for (const [token, kept] of this.#byClientToken) if (!this.#byId.has(kept.id)) this.#byClientToken.delete(token);
  }

  /** The statement an earlier call with the same ClientToken created (idempotent retries). */
  byClientToken(token: string): Statement | undefined {
    return this.#byClientToken.get(token);
  }

  /** A statement by `<uuid>` or one of a batch's sub-statements by `<uuid>:<n>`. */
  find(id: string): { statement: Statement; sub: SubStatement | undefined } | undefined {
    const [base, suffix] = id.split(":");
    const statement = this.#byId.get(base ?? "");
    if (statement === undefined) return undefined;
    if (suffix === undefined) return { statement, sub: undefined };
    const sub = statement.isBatch ? statement.subs[Number(suffix) - 1] : undefined;
    return sub === undefined ? undefined : { statement, sub };
  }

  /** Newest first. */
  list(): Statement[] {
    return [...this.#byId.values()].reverse();
  }

  activeCount(): number {
    let n = 0;
    for (const s of this.#byId.values()) if (!isTerminal(s.status)) n += 1;
    return n;
  }
}
