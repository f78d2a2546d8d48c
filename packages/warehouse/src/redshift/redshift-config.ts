import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { invalidCommand } from "../errors.js";
import type { RedshiftTarget } from "./redshift-data.js";

/** The Redshift variables of a service's config (runtime's `warehouseEnv`), as parsed. */
export interface RedshiftEnv {
  readonly REDSHIFT_DATA_ENDPOINT?: string | undefined;
  readonly REDSHIFT_DATABASE?: string | undefined;
  readonly REDSHIFT_CLUSTER_ID?: string | undefined;
  readonly REDSHIFT_WORKGROUP?: string | undefined;
  readonly REDSHIFT_SECRET_ARN?: string | undefined;
  readonly REDSHIFT_DB_USER?: string | undefined;
  readonly AWS_REGION: string;
}

/** Where statements run, from validated config (runtime's `warehouseProblems` checked it is complete). */
export function redshiftTargetOf(env: RedshiftEnv): RedshiftTarget {
  const database = env.REDSHIFT_DATABASE;
  if (!database) throw invalidCommand("REDSHIFT_DATABASE is not set");
  if (env.REDSHIFT_WORKGROUP)
    return { database, workgroupName: env.REDSHIFT_WORKGROUP, secretArn: env.REDSHIFT_SECRET_ARN };
  if (!env.REDSHIFT_CLUSTER_ID) throw invalidCommand("REDSHIFT_CLUSTER_ID or REDSHIFT_WORKGROUP must be set");
  return {
    database,
    clusterIdentifier: env.REDSHIFT_CLUSTER_ID,
    secretArn: env.REDSHIFT_SECRET_ARN,
    dbUser: env.REDSHIFT_DB_USER,
  };
}

/** The Data API client; credentials from the SDK's default chain, the endpoint only for an emulator. */
export function createDataApiClient(env: RedshiftEnv): RedshiftDataClient {
  return new RedshiftDataClient({
    region: env.AWS_REGION,
    ...(env.REDSHIFT_DATA_ENDPOINT ? { endpoint: env.REDSHIFT_DATA_ENDPOINT } : {}),
  });
}
