import { onDemandExportSuite } from "./suites/on-demand-export.js";

// The planner's catalog and the unloader on the Redshift adapter: UNLOAD through the stack's Data API emulator.
onDemandExportSuite("redshift");
