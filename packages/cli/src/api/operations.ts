/**
 * The GraphQL operations the CLI sends, and the shapes of their answers (a subset of
 * services/request-api/schema.graphql; test/api/operations.test.ts validates every document against that schema).
 */

const tableFields = `tableName status attempts rows bytes fileCount error startedAt finishedAt linksExpireAt manifestUrl
  files { key url sha256 rows bytes expiresAt }`;

export const requestDataMutation = /* GraphQL */ `
  mutation CliRequestData($startTime: Int!, $endTime: Int!, $force: Boolean) {
    requestData(startTime: $startTime, endTime: $endTime, force: $force)
  }
`;

export const requestStatusQuery = /* GraphQL */ `
  query CliRequestStatus($requestId: String!) {
    requestStatus(requestId: $requestId) {
      requestId status progress mode exportDate windowStart windowEnd requestedAt completedAt linksExpireAt
      tables { ${tableFields} }
      skippedTables { table reason }
    }
  }
`;

export const exportRequestsQuery = /* GraphQL */ `
  query CliExportRequests($filter: ExportRequestFilter, $first: Int, $after: String) {
    exportRequests(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          status
          progress
          mode
          exportDate
          windowStart
          windowEnd
          requestedAt
          requestedBy
          completedAt
          run
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;

const changedExport = "id status progress run";

export const cancelExportMutation = /* GraphQL */ `
  mutation CliCancelExport($id: ID!) { cancelExport(id: $id) { ${changedExport} } }
`;

export const retryExportMutation = /* GraphQL */ `
  mutation CliRetryExport($id: ID!) { retryExport(id: $id) { ${changedExport} } }
`;

export const allOperations = [
  requestDataMutation,
  requestStatusQuery,
  exportRequestsQuery,
  cancelExportMutation,
  retryExportMutation,
] as const;

export interface ExportFile {
  readonly key: string;
  readonly url: string;
  readonly sha256: string;
  readonly rows: number;
  readonly bytes: number;
  readonly expiresAt: string;
}

export interface TableExport {
  readonly tableName: string;
  /** PENDING, IN-PROGRESS, COMPLETED, FAILED or CANCELLED. */
  readonly status: string;
  readonly attempts: number;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly fileCount: number;
  readonly error: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly linksExpireAt: string | null;
  readonly manifestUrl: string | null;
  readonly files: readonly ExportFile[];
}

export interface RequestStatus {
  readonly requestId: string;
  /** In Progress, Completed, Failed, Partially Completed, Cancelled, or Request has not been requested. */
  readonly status: string;
  readonly progress: number;
  readonly mode: string | null;
  readonly exportDate: string | null;
  readonly windowStart: number | null;
  readonly windowEnd: number | null;
  readonly requestedAt: string | null;
  readonly completedAt: string | null;
  readonly linksExpireAt: string | null;
  readonly tables: readonly TableExport[];
  readonly skippedTables: readonly { readonly table: string; readonly reason: string }[];
}

/** What requestStatus says of an id nobody requested, or someone else's. */
export const UNKNOWN_REQUEST = "Request has not been requested";

export interface ExportSummary {
  readonly id: string;
  readonly status: string;
  readonly progress: number;
  readonly mode: string;
  readonly exportDate: string | null;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly requestedAt: string;
  readonly requestedBy: string | null;
  readonly completedAt: string | null;
  readonly run: number;
}

export interface ExportRequestFilter {
  readonly status?: readonly string[];
  readonly mode?: string;
  readonly requestedFrom?: string;
}

export interface ExportRequestsPage {
  readonly exportRequests: {
    readonly edges: readonly { readonly node: ExportSummary }[];
    readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
  };
}

export interface ChangedExport {
  readonly id: string;
  readonly status: string;
  readonly progress: number;
  readonly run: number;
}
