/** A minimal client of request-api's GraphQL contract, for npm start's demo run and the end-to-end tests. */
export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

export interface RequestStatusResult {
  requestId: string;
  status: string;
  progress: number;
  dataRequestDownloadLinks: Record<string, string[]>;
  tables: {
    tableName: string;
    status: string;
    attempts: number;
    rows: number | null;
    bytes: number | null;
    fileCount: number;
    files: { key: string; url: string; rows: number; bytes: number; sha256: string }[];
    manifestUrl: string | null;
    errorKind: string | null;
    error: string | null;
  }[];
  skippedTables: { table: string; reason: string }[];
}

export const requestDataMutation = `mutation ($startTime: Int!, $endTime: Int!) { requestData(startTime: $startTime, endTime: $endTime) }`;
export const requestStatusMutation = `mutation ($requestId: String!) {
  requestStatus(requestId: $requestId) {
    requestId status progress dataRequestDownloadLinks
    tables { tableName status attempts rows bytes fileCount files { key url rows bytes sha256 } manifestUrl errorKind error }
    skippedTables { table reason }
  }
}`;

export async function requestData(url: string, startTime: number, endTime: number): Promise<string> {
  const result = await graphql<{ requestData: string }>(url, requestDataMutation, { startTime, endTime });
  if (!result.data?.requestData) throw new Error(`requestData failed: ${JSON.stringify(result.errors)}`);
  return result.data.requestData;
}

export async function requestStatus(url: string, requestId: string): Promise<RequestStatusResult> {
  const result = await graphql<{ requestStatus: RequestStatusResult }>(url, requestStatusMutation, { requestId });
  if (!result.data?.requestStatus) throw new Error(`requestStatus failed: ${JSON.stringify(result.errors)}`);
  return result.data.requestStatus;
}

const finished = new Set(["Completed", "Failed", "Partially Completed"]);

/** Whether an export with this requestStatus status has finished (every table done, or nothing to do). */
export function isFinished(status: string): boolean {
  return finished.has(status);
}

/** Polls requestStatus until the export finished (or the deadline passed). */
export async function waitForExport(
  url: string,
  requestId: string,
  timeoutMs = 120_000,
  onProgress?: (s: RequestStatusResult) => void,
): Promise<RequestStatusResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await requestStatus(url, requestId);
    onProgress?.(status);
    if (isFinished(status.status)) return status;
    if (Date.now() > deadline)
      throw new Error(`export ${requestId} still "${status.status}" at ${status.progress}% after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
