import { describe, expect, it } from "@jest/globals";
import { connectionsByPid } from "../../scale/socket-counts.js";

describe("connectionsByPid", () => {
  it("counts each socket line by its owning pid, and lines without a process as other", () => {
    const output = [
      `0      0      127.0.0.1:51234 127.0.0.1:33092 users:(("node",pid=4242,fd=23))`,
      `0      0      127.0.0.1:51236 127.0.0.1:33092 users:(("node",pid=4242,fd=24))`,
      `0      0      127.0.0.1:51240 127.0.0.1:33092 users:(("node",pid=77,fd=19))`,
      `0      0      127.0.0.1:51250 127.0.0.1:33092`,
      "",
    ].join("\n");
    expect(connectionsByPid(output)).toEqual(
      new Map([
        ["4242", 2],
        ["77", 1],
        ["other", 1],
      ]),
    );
    expect(connectionsByPid("")).toEqual(new Map());
  });
});
