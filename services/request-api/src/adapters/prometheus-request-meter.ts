import type { MetricsOf, requestApiMetricDefinitions } from "@data-exporter/runtime";
import type { RequestMeter } from "../domain/request-meter.js";

/** The request meter on request-api's metrics of the catalog (data_exporter_graphql_operations_total, ...). */
export function prometheusRequestMeter(metrics: MetricsOf<typeof requestApiMetricDefinitions>): RequestMeter {
  return {
    exportRequest: (outcome) => metrics.exportRequests.inc({ outcome }),
    operation: (operation, result) => metrics.graphqlOperations.inc({ operation, result }),
  };
}
