import { runtimeMetricDefinitions } from "./metric-catalog.js";
import { createMetrics } from "./metric-registry.js";

/** What the runtime measures of its consumers (bus-wiring.ts), in the process registry. */
export const runtimeMetrics = createMetrics(runtimeMetricDefinitions);
