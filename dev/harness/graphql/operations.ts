/**
 * The operations the harness sends to request-api. Their result and variable types are generated from request-api's
 * schema into operations.generated.ts (`npm run gen:graphql`); a unit test fails when that file is stale.
 */
export const requestDataMutation = /* GraphQL */ `
  mutation RequestData($startTime: Int!, $endTime: Int!, $force: Boolean) {
    requestData(startTime: $startTime, endTime: $endTime, force: $force)
  }
`;

export const requestStatusMutation = /* GraphQL */ `
  mutation RequestStatus($requestId: String!) {
    requestStatus(requestId: $requestId) {
      requestId
      status
      progress
      dataRequestDownloadLinks
      mode
      exportDate
      windowStart
      windowEnd
      tables {
        tableName
        status
        attempts
        rows
        bytes
        fileCount
        files {
          key
          url
          rows
          bytes
          sha256
        }
        manifestUrl
        errorKind
        error
      }
      skippedTables {
        table
        reason
      }
    }
  }
`;
