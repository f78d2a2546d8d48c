import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "@jest/globals";
import type { StackContext } from "../context.js";
import { profileDirs } from "../paths.js";
import { stackPorts } from "../ports.js";
import { ensureRedshift, redshiftRunning } from "../redshift.js";

describe("ensureRedshift", () => {
  it("refuses a port someone else listens on, naming the variables that move it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const ctx: StackContext = {
      profile: "test",
      dirs: profileDirs("test"),
      ports: { ...stackPorts("test", {}), redshift: port },
      postgresData: "/nonexistent",
      kafkaSecurity: "none",
      log: () => undefined,
    };
    try {
      expect(redshiftRunning(ctx)).toBe(false);
      await expect(
        ensureRedshift(ctx, {
          warehouseUrl: "postgres://postgres@127.0.0.1:1/warehouse",
          awsEndpointUrl: "http://127.0.0.1:1",
          awsRegion: "ap-southeast-2",
          duckdbPostgresExtension: "/nonexistent",
          iamRole: "arn:aws:iam::123456789012:role/r",
        }),
      ).rejects.toMatchObject({
        code: "PORT_IN_USE",
        message: expect.stringMatching(/REDSHIFT_DATA_ENDPOINT or STACK_REDSHIFT_PORT/),
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
