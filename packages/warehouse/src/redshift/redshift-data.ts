import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type ColumnMetadata,
  type Field,
} from "@aws-sdk/client-redshift-data";
import { backoffDelay, sleep } from "@data-exporter/retry";
import { abortError } from "../errors.js";
import { fromDataApiError, fromStatementError } from "./redshift-errors.js";

/** The part of the SDK's RedshiftDataClient the adapter needs. */
export interface DataApiClient {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy?(): void;
}

/** Where statements run: a provisioned cluster (secret or database user) or a Serverless workgroup. */
export type RedshiftTarget =
  | {
      readonly database: string;
      readonly clusterIdentifier: string;
      readonly secretArn?: string | undefined;
      readonly dbUser?: string | undefined;
    }
  | { readonly database: string; readonly workgroupName: string; readonly secretArn?: string | undefined };

export interface StatementResult {
  readonly columns: readonly ColumnMetadata[];
  readonly records: readonly (readonly Field[])[];
}

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  /** Texts to keep out of error messages (none of the adapter's statements holds a secret; a second defence). */
  readonly secrets?: readonly string[] | undefined;
  /** Names the statement in Redshift's history (StatementName). */
  readonly name?: string | undefined;
}

/** The Data API's limit on one statement's text. */
export const MAX_STATEMENT_BYTES = 100_000;

function targetParams(target: RedshiftTarget): Record<string, string> {
  const params: Record<string, string> = { Database: target.database };
  if ("workgroupName" in target) params["WorkgroupName"] = target.workgroupName;
  else {
    params["ClusterIdentifier"] = target.clusterIdentifier;
    if (target.dbUser !== undefined) params["DbUser"] = target.dbUser;
  }
  if (target.secretArn !== undefined) params["SecretArn"] = target.secretArn;
  return params;
}

/**
 * Runs statements through the Redshift Data API: submit, then poll DescribeStatement with backoff through
 * SUBMITTED / PICKED / STARTED until FINISHED, FAILED or ABORTED. Aborting the signal cancels the statement
 * (CancelStatement) and rejects. A batch runs as one transaction, so its statements share one snapshot.
 */
export class DataApiRunner {
  constructor(
    private readonly client: DataApiClient,
    private readonly target: RedshiftTarget,
    private readonly poll: { readonly initialMs: number; readonly maxMs: number } = { initialMs: 100, maxMs: 2_000 },
  ) {}

  /** Runs the statements as one transaction; resolves with each statement's id (for its results). */
  async batch(sqls: readonly string[], options: RunOptions = {}): Promise<string[]> {
    for (const sql of sqls)
      if (Buffer.byteLength(sql) > MAX_STATEMENT_BYTES)
        throw fromStatementError(
          `statement of ${Buffer.byteLength(sql)} bytes is over the Data API's limit`,
          "submitting",
          [],
        );
    const id = await this.submit(
      new BatchExecuteStatementCommand({
        ...targetParams(this.target),
        Sqls: [...sqls],
        ...(options.name === undefined ? {} : { StatementName: options.name }),
      }),
      options,
    );
    await this.wait(id, options);
    return sqls.map((_sql, i) => `${id}:${i + 1}`);
  }

  /** Runs one statement and returns its rows. */
  async query(sql: string, parameters: Record<string, string>, options: RunOptions = {}): Promise<StatementResult> {
    const id = await this.submit(
      new ExecuteStatementCommand({
        ...targetParams(this.target),
        Sql: sql,
        Parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })),
        ...(options.name === undefined ? {} : { StatementName: options.name }),
      }),
      options,
    );
    await this.wait(id, options);
    return this.result(id, options);
  }

  /** Every row of a finished statement (or a batch's sub-statement, `id:n`). */
  async result(id: string, options: RunOptions = {}): Promise<StatementResult> {
    const records: Field[][] = [];
    let columns: ColumnMetadata[] = [];
    let token: string | undefined;
    do {
      const page = (await this.call(
        new GetStatementResultCommand({ Id: id, ...(token === undefined ? {} : { NextToken: token }) }),
        "reading a statement's result",
        options,
      )) as { ColumnMetadata?: ColumnMetadata[]; Records?: Field[][]; NextToken?: string };
      if (page.ColumnMetadata) columns = page.ColumnMetadata;
      records.push(...(page.Records ?? []));
      token = page.NextToken;
    } while (token !== undefined && token !== "");
    return { columns, records };
  }

  private async submit(command: object, options: RunOptions): Promise<string> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const response = (await this.call(command, "submitting a statement", options)) as { Id?: string };
    if (!response.Id) throw fromStatementError("the Data API returned no statement id", "submitting", []);
    return response.Id;
  }

  private async wait(id: string, options: RunOptions): Promise<void> {
    const { signal } = options;
    for (let poll = 1; ; poll++) {
      if (signal?.aborted) {
        await this.cancel(id);
        throw abortError(signal);
      }
      const described = (await this.call(new DescribeStatementCommand({ Id: id }), "describing a statement", {})) as {
        Status?: string;
        Error?: string;
      };
      switch (described.Status) {
        case "FINISHED":
          return;
        case "FAILED":
          throw fromStatementError(described.Error ?? "statement failed", `statement ${id}`, options.secrets ?? []);
        case "ABORTED":
          if (signal?.aborted) throw abortError(signal);
          throw fromStatementError(described.Error ?? "statement aborted", `statement ${id}`, options.secrets ?? []);
      }
      await sleep(backoffDelay(poll, { ...this.poll, jitter: 0.2 }), signal);
    }
  }

  /** Cancels a statement that is still running; a statement already finished cannot be cancelled, which is fine. */
  private async cancel(id: string): Promise<void> {
    await this.client.send(new CancelStatementCommand({ Id: id })).catch(() => undefined);
  }

  private async call(command: object, what: string, options: RunOptions): Promise<unknown> {
    try {
      return await this.client.send(command, options.signal ? { abortSignal: options.signal } : undefined);
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal);
      throw fromDataApiError(error, what);
    }
  }
}
