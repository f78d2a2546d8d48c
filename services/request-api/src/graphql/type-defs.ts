/** The seed's contract (requestData, requestStatus as a mutation) plus typed fields beside the JSON links. */
export const typeDefs = /* GraphQL */ `
  scalar JSON

  type Query {
    "Status of an export; the same as the requestStatus mutation (offered as a query too)."
    requestStatus(requestId: String!): RequestStatus!
  }

  type Mutation {
    """
    Requests an export of [startTime, endTime) (epoch seconds, at most one day). Returns the request id (UUID).
    When the caller already requested exactly this window and that export is running, or completed under the current
    classification rules with its files still stored, its id is returned instead of exporting again.
    """
    requestData(
      startTime: Int!
      endTime: Int!
      "Export again even when an earlier request of the same window could be reused."
      force: Boolean = false
    ): String!
    "Status, progress and presigned download links (valid for one day from this call) of an export."
    requestStatus(requestId: String!): RequestStatus!
  }

  type RequestStatus {
    requestId: String!
    "In Progress, Completed, Failed, Partially Completed, or Request has not been requested."
    status: String!
    "Finished tables / planned tables x 100."
    progress: Float!
    "{ table_name: [url, ...] } of the tables that completed."
    dataRequestDownloadLinks: JSON!
    "ON_DEMAND or SCHEDULED."
    mode: String
    "Calendar date of a scheduled export (YYYY-MM-DD)."
    exportDate: String
    "Window start, epoch seconds."
    windowStart: Int
    "Window end (exclusive), epoch seconds."
    windowEnd: Int
    requestedAt: String
    completedAt: String
    tables: [TableExport!]!
    skippedTables: [SkippedTable!]!
  }

  type TableExport {
    tableName: String!
    "PENDING, IN-PROGRESS, COMPLETED or FAILED."
    status: String!
    attempts: Int!
    rows: Float
    bytes: Float
    fileCount: Int!
    files: [ExportFile!]!
    "Presigned link to the table's manifest (files, row counts, SHA-256, schema, classification audit)."
    manifestUrl: String
    errorKind: String
    error: String
    startedAt: String
    """
    When the running attempt last showed it is alive (its start or a heartbeat), ISO-8601; a table silent for longer
    than the status tracker's STUCK_AFTER_MS is failed as stuck, and error says so.
    """
    lastProgressAt: String
    finishedAt: String
  }

  type ExportFile {
    key: String!
    url: String!
    rows: Float!
    bytes: Float!
    sha256: String!
  }

  type SkippedTable {
    table: String!
    reason: String!
  }
`;

/**
 * The subgraph SDL a federation gateway (@graphql-hive/gateway) composes: the public schema under Federation v2.
 * The subgraph owns no entities, so `_service` is the only federation field it needs.
 */
export const subgraphSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [])\n${typeDefs}`;

export const federationTypeDefs = /* GraphQL */ `
  type _Service {
    sdl: String
  }
  extend type Query {
    _service: _Service!
  }
`;
