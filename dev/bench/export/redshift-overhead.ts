import { DescribeStatementCommand, RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { redshiftHistory, unloadsIn } from "../../harness/index.js";

/**
 * Seconds the Data API spent running the UNLOAD statements of one table of one request (DescribeStatement's Duration, in
 * nanoseconds): subtracted from the unloader's own time, what is left is the exporter's overhead — the only part of
 * a Redshift export this machine can say anything about (the emulator's UNLOAD speed says nothing of Redshift's).
 */
export async function unloadStatementSeconds(endpoint: string, requestId: string, table: string): Promise<number> {
  const unloads = unloadsIn(await redshiftHistory(endpoint, requestId)).filter((s) =>
    s.texts.some((text) => text.includes(table)),
  );
  if (unloads.length === 0) throw new Error(`the Data API ran no UNLOAD of ${table} for ${requestId}`);
  const client = new RedshiftDataClient({ endpoint, region: process.env.AWS_REGION ?? "ap-southeast-2" });
  try {
    let nanoseconds = 0;
    for (const statement of unloads) {
      const described = await client.send(new DescribeStatementCommand({ Id: statement.id }));
      if (described.Status !== "FINISHED") throw new Error(`UNLOAD ${statement.id} is ${described.Status}`);
      nanoseconds += Number(described.Duration ?? 0);
    }
    return nanoseconds / 1e9;
  } finally {
    client.destroy();
  }
}
