/** The seed's contract (requestData, requestStatus as a mutation) plus typed fields beside the JSON links. */
export const typeDefs = /* GraphQL */ `
  scalar JSON

  "An ISO-8601 instant, served in UTC (2024-04-06T14:00:00.000Z)."
  scalar DateTime

  type Query {
    "Status of an export; the same as the requestStatus mutation (offered as a query too)."
    requestStatus(requestId: String!): RequestStatus!
    """
    One export the caller may see: their own, or any for an exporter-admin. NOT_FOUND otherwise, exactly as for an
    id nobody requested.
    """
    exportRequest(id: ID!): ExportRequest!
    "The exports the caller may see, newest first, filtered, a page at a time (first: 1 to 100; after: a cursor)."
    exportRequests(filter: ExportRequestFilter, first: Int = 20, after: String): ExportRequestConnection!
  }

  "An export, on demand or scheduled: the entity other subgraphs (Experiment Manager) reference by id."
  type ExportRequest @key(fields: "id") {
    "The request id (UUID)."
    id: ID!
    "ON_DEMAND or SCHEDULED."
    mode: String!
    "The seed's status: In Progress, Completed, Failed or Partially Completed; or Cancelled (cancelExport)."
    status: String!
    "How often retryExport ran it again (0: never)."
    run: Int!
    "Finished tables / planned tables x 100."
    progress: Float!
    "Who requested it (the token's subject); null for a scheduled export."
    requestedBy: String
    requestedAt: DateTime!
    completedAt: DateTime
    "Window start (inclusive)."
    windowStart: DateTime!
    "Window end (exclusive)."
    windowEnd: DateTime!
    "Calendar date of a scheduled export (YYYY-MM-DD)."
    exportDate: String
    tables: [TableExport!]!
    skippedTables: [SkippedTable!]!
    "{ table_name: [url, ...] } of the tables that completed."
    dataRequestDownloadLinks: JSON!
    "When the first of its links stops working; refreshLinks grants a new day."
    linksExpireAt: DateTime
  }

  "Which exports exportRequests lists; every field is optional."
  input ExportRequestFilter {
    "Seed statuses: In Progress, Completed, Failed, Partially Completed; or Cancelled."
    status: [String!]
    "ON_DEMAND or SCHEDULED."
    mode: String
    "Requested at or after this instant."
    requestedFrom: DateTime
    "Requested before this instant."
    requestedTo: DateTime
    "Only this caller's exports; an exporter-admin's filter (others may name only themselves)."
    requestedBy: String
  }

  type ExportRequestConnection {
    edges: [ExportRequestEdge!]!
    pageInfo: PageInfo!
  }

  type ExportRequestEdge {
    "Pass as after to continue after this export."
    cursor: String!
    node: ExportRequest!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
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
    """
    Status, progress and presigned download links of an export. A table's links work for one day (LINK_TTL_SECONDS)
    from when it finished, or from the latest refreshLinks; reading the status does not extend them.
    """
    requestStatus(requestId: String!): RequestStatus!
    """
    Grants the export's links one more day from now (its owner or an exporter-admin; audited). NOT_FOUND for an export
    the caller may not see; CONFLICT when it has no completed table.
    """
    refreshLinks(id: ID!): ExportRequest!
    """
    Cancels a running export (its owner or an exporter-admin; audited): queued and running table unloads stop, their
    warehouse statements cancelled, and publish no file; tables that completed before keep their links. The status
    reads Cancelled once every table stopped, and one notification says so. Returns the export as it was when asked.
    NOT_FOUND for an export the caller may not see; CONFLICT when it has already finished.
    """
    cancelExport(id: ID!): ExportRequest!
    """
    Runs the tables of a finished export that failed or were cancelled again, under the current classification rules,
    as the same request (run + 1); completed tables keep their files and links. The status reads In Progress again once
    the retry is planned, and the export completes (and notifies) again. Returns the export as it was when asked.
    NOT_FOUND for an export the caller may not see; CONFLICT when it is not finished or has nothing to retry.
    """
    retryExport(id: ID!): ExportRequest!
  }

  type RequestStatus {
    requestId: String!
    "In Progress, Completed, Failed, Partially Completed, Cancelled, or Request has not been requested."
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
    "When the first of the links stops working (ISO-8601); refreshLinks grants a new day."
    linksExpireAt: String
  }

  type TableExport {
    tableName: String!
    "PENDING, IN-PROGRESS, COMPLETED, FAILED or CANCELLED (cancelExport stopped it)."
    status: String!
    attempts: Int!
    rows: Float
    bytes: Float
    fileCount: Int!
    files: [ExportFile!]!
    "Presigned link to the table's manifest (files, row counts, SHA-256, schema, classification audit)."
    manifestUrl: String
    "When this table's links stop working (ISO-8601)."
    linksExpireAt: String
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
    "When url stops working (ISO-8601): a day after the table finished or the latest refreshLinks, or earlier if the signing credentials expire first."
    expiresAt: String!
  }

  type SkippedTable {
    table: String!
    reason: String!
  }
`;

/**
 * The subgraph SDL a federation gateway (@graphql-hive/gateway) composes: the public schema under Federation v2,
 * with ExportRequest an entity other subgraphs reference and extend.
 */
export const subgraphSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n${typeDefs}`;

/** What the executable schema adds for federation: the @key definition, `_service` and `_entities`. */
export const federationTypeDefs = /* GraphQL */ `
  directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
  scalar _Any
  union _Entity = ExportRequest
  type _Service {
    sdl: String
  }
  extend type Query {
    _service: _Service!
    _entities(representations: [_Any!]!): [_Entity]!
  }
`;
