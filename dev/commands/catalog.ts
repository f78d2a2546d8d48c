/**
 * npm run catalog: what the catalog-registrar registered in the Glue Data Catalog of the local stack `npm start`
 * runs (moto): each table of its database with its columns and partitions (value, folder, the export that wrote it).
 */
import { GetPartitionsCommand, GetTablesCommand, GlueClient } from "@aws-sdk/client-glue";
import { defaultDeployment } from "../harness/provision.js";
import { stackEndpoints, stackEnv } from "../stack/stack.js";

const { endpoints } = stackEndpoints("dev");
// The SDK takes the emulator's credentials from the environment.
Object.assign(process.env, stackEnv(endpoints));
const database = defaultDeployment.glueDatabase;
const glue = new GlueClient({ region: endpoints.awsRegion, endpoint: endpoints.awsEndpointUrl });
try {
  const { TableList = [] } = await glue.send(new GetTablesCommand({ DatabaseName: database }));
  if (TableList.length === 0) process.stdout.write(`database ${database} has no table yet (npm run trigger)\n`);
  for (const table of TableList) {
    const columns = (table.StorageDescriptor?.Columns ?? []).map((c) => `${c.Name} ${c.Type}`).join(", ");
    const keys = (table.PartitionKeys ?? []).map((k) => `${k.Name} ${k.Type}`).join(", ");
    process.stdout.write(`\n${database}.${table.Name} (${columns}) partitioned by (${keys})\n`);
    const { Partitions = [] } = await glue.send(
      new GetPartitionsCommand({ DatabaseName: database, TableName: table.Name }),
    );
    for (const p of Partitions)
      process.stdout.write(
        `  ${(p.Values ?? []).join("/")}  ${p.StorageDescriptor?.Location ?? ""}  request ${p.Parameters?.["de_request_id"] ?? "?"}\n`,
      );
  }
} catch (error) {
  const name = (error as Error).name;
  process.stderr.write(
    name === "EntityNotFoundException"
      ? `no Glue database ${database} yet: it is created by the first scheduled export (npm run trigger)\n`
      : `cannot read the Glue catalog (is npm start running?): ${(error as Error).message}\n`,
  );
  process.exitCode = 1;
} finally {
  glue.destroy();
}
