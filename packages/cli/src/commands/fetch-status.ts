import { requestStatusQuery, UNKNOWN_REQUEST, type RequestStatus } from "../api/operations.js";
import type { Api } from "../api/graphql-client.js";
import { CliError } from "../errors.js";

export async function fetchStatus(api: Api, requestId: string): Promise<RequestStatus> {
  const { requestStatus } = await api.call<{ requestStatus: RequestStatus }>(requestStatusQuery, { requestId });
  return requestStatus;
}

export function unknownExport(requestId: string): CliError {
  return new CliError(
    "API_REFUSED",
    `no export ${requestId}: nobody requested it, or this token may not see it (${UNKNOWN_REQUEST})`,
  );
}

/** The status of an export that must exist. */
export async function knownStatus(api: Api, requestId: string): Promise<RequestStatus> {
  const status = await fetchStatus(api, requestId);
  if (status.status === UNKNOWN_REQUEST) throw unknownExport(requestId);
  return status;
}
