import { ListStatementsCommand, RedshiftDataClient, type StatementData } from "@aws-sdk/client-redshift-data";

/** One statement of the Redshift Data API's history, with its texts (a batch has several). */
export interface HistoryStatement {
  readonly id: string;
  readonly status: string;
  readonly batch: boolean;
  readonly texts: readonly string[];
}

const toHistory = (s: StatementData): HistoryStatement => ({
  id: s.Id ?? "",
  status: s.Status ?? "",
  batch: s.IsBatchStatement === true,
  texts: s.QueryStrings ?? (s.QueryString === undefined ? [] : [s.QueryString]),
});

/**
 * Every statement the Data API endpoint remembers (ListStatements, all pages) whose text mentions `about` (a schema or
 * table name), as an operator reads Redshift's query history.
 */
export async function redshiftHistory(
  endpoint: string,
  about: string,
  region = process.env.AWS_REGION ?? "ap-southeast-2",
): Promise<HistoryStatement[]> {
  const client = new RedshiftDataClient({ endpoint, region });
  try {
    const all: HistoryStatement[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListStatementsCommand({ MaxResults: 100, ...(token === undefined ? {} : { NextToken: token }) }),
      );
      all.push(...(page.Statements ?? []).map(toHistory));
      token = page.NextToken;
    } while (token);
    return all.filter((s) => s.texts.some((text) => text.includes(about)));
  } finally {
    client.destroy();
  }
}

/** The history's statements that ran an UNLOAD. */
export const unloadsIn = (history: readonly HistoryStatement[]): HistoryStatement[] =>
  history.filter((s) => s.texts.some((text) => /^\s*UNLOAD\b/i.test(text)));
