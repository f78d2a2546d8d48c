import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "@jest/globals";
import { isPortOpen, listensOn } from "../ports.js";

describe("ports", () => {
  it("tells which process listens on a port", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await isPortOpen(port)).toBe(true);
      expect(listensOn(process.pid, port)).toBe(true);
      // pid 1 is never this test: someone else's server on "our" port must not count as ours.
      expect(listensOn(1, port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortOpen(port)).toBe(false);
    expect(listensOn(process.pid, port)).toBe(false);
  });
});
