import { postgresHarness } from "./postgres/postgres-harness.js";
import type { WarehouseHarnessFactory } from "./warehouse-harness.js";

/** Every adapter the contract suite runs against, one harness each (Redshift joins with `src/redshift/`). */
export const ADAPTERS: readonly WarehouseHarnessFactory[] = [postgresHarness];
