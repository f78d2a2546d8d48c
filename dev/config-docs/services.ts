import { tracingEnvSchema } from "../../packages/runtime/src/tracing-config.js";
import { gatewayEnvSchema } from "../../services/gateway/src/gateway-env.js";
import { configSchema as notifier } from "../../services/notifier/src/config.js";
import { configSchema as catalogRegistrar } from "../../services/catalog-registrar/src/config.js";
import { triggerConfigSchema } from "../../services/planner/src/cli/trigger-config.js";
import { configSchema as planner } from "../../services/planner/src/config.js";
import { configSchema as requestApi } from "../../services/request-api/src/config.js";
import { configSchema as sharingServer } from "../../services/sharing-server/src/config.js";
import { configSchema as statusTracker } from "../../services/status-tracker/src/config.js";
import { configSchema as unloader } from "../../services/unloader/src/config.js";
import { join } from "node:path";
import { fieldSources } from "./field-docs.js";
import { schemaFields } from "./schema-fields.js";
import type { ServiceSettings } from "./render.js";

/** Where the settings every service shares are declared and documented. */
const sharedSettingsFiles = ["packages/runtime/src/config.ts", "packages/runtime/src/tracing-config.ts"];

/** The services and their schemas, in the order the docs list them (`root`: the repository). */
export function serviceSettings(root: string): ServiceSettings[] {
  const of = (service: string, schemaFile: string, schema: Parameters<typeof schemaFields>[0]): ServiceSettings => ({
    service,
    schemaFile,
    fields: schemaFields(schema),
    sources: fieldSources([schemaFile, ...sharedSettingsFiles].map((file) => join(root, file))),
  });
  return [
    of("gateway", "services/gateway/src/gateway-env.ts", gatewayEnvSchema),
    of("request-api", "services/request-api/src/config.ts", requestApi),
    of("planner", "services/planner/src/config.ts", planner),
    of("unloader", "services/unloader/src/config.ts", unloader),
    of("status-tracker", "services/status-tracker/src/config.ts", statusTracker),
    of("notifier", "services/notifier/src/config.ts", notifier),
    of("sharing-server", "services/sharing-server/src/config.ts", sharingServer),
    of("catalog-registrar", "services/catalog-registrar/src/config.ts", catalogRegistrar),
    of(
      "trigger (the CronJob's, and `data-exporter trigger`)",
      "services/planner/src/cli/trigger-config.ts",
      triggerConfigSchema,
    ),
    of("tracing (every service and the trigger)", "packages/runtime/src/tracing-config.ts", tracingEnvSchema),
  ];
}
