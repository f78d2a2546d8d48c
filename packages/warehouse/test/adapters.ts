import { postgresHarness } from "./postgres/postgres-harness.js";
import { redshiftHarness } from "./redshift/redshift-harness.js";
import type { WarehouseHarnessFactory } from "./warehouse-harness.js";

/** Every adapter the contract suite runs against, one harness each. */
export const ADAPTERS: readonly WarehouseHarnessFactory[] = [postgresHarness, redshiftHarness];
