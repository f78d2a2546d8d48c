import { describe, expect, it } from "@jest/globals";
import { grantsOf, grantStatement, serviceRoleNames, tableGrants } from "../src/service-roles.js";

describe("grantsOf", () => {
  it("gives the unloader's migration the unloader's and the sweeper's privileges on its tables, nothing else", () => {
    const statements = grantsOf("unloader").map((g) => grantStatement("de_internal", g));
    expect(statements).toEqual([
      'GRANT SELECT ON TABLE "de_internal".unload_jobs TO data_exporter_unloader',
      'GRANT INSERT ON TABLE "de_internal".unload_jobs TO data_exporter_unloader',
      'GRANT UPDATE ON TABLE "de_internal".unload_jobs TO data_exporter_unloader',
      'GRANT SELECT ON TABLE "de_internal".unload_jobs TO data_exporter_status_tracker',
      'GRANT SELECT ON TABLE "de_internal".export_cancellations TO data_exporter_unloader',
      'GRANT INSERT ON TABLE "de_internal".export_cancellations TO data_exporter_unloader',
      'GRANT UPDATE ON TABLE "de_internal".export_cancellations TO data_exporter_unloader',
      'GRANT USAGE ON SCHEMA "de_internal" TO data_exporter_unloader',
      'GRANT SELECT ON TABLE "de_internal".schema_migrations TO data_exporter_unloader',
      'GRANT USAGE ON SCHEMA "de_internal" TO data_exporter_status_tracker',
      'GRANT SELECT ON TABLE "de_internal".schema_migrations TO data_exporter_status_tracker',
    ]);
  });

  it("grants the outbox sequence to the planner, who inserts into it", () => {
    expect(grantsOf("planner").map((g) => grantStatement("s", g))).toContain(
      'GRANT USAGE ON SEQUENCE "s".planner_outbox_id_seq TO data_exporter_planner',
    );
  });

  it("never grants DELETE, and request-api only reads the read model", () => {
    const all = tableGrants.flatMap((t) => grantsOf(t.owner));
    expect(all.filter((g) => g.privilege === "DELETE")).toEqual([]);
    const apiOnReadModel = all.filter(
      (g) =>
        g.role === serviceRoleNames["request-api"] && ["request_table", "table_export_job_statuses"].includes(g.object),
    );
    expect(new Set(apiOnReadModel.map((g) => g.privilege))).toEqual(new Set(["SELECT"]));
  });

  it("lets the sharing server read the read model and only append to its audit", () => {
    const sharing = serviceRoleNames["sharing-server"];
    const owners = [...new Set(tableGrants.map((t) => t.owner))];
    const all = owners.flatMap((owner) => grantsOf(owner)).filter((g) => g.role === sharing && g.kind === "table");
    expect(all.map((g) => `${g.privilege} ${g.object}`).sort()).toEqual(
      [
        "SELECT request_table",
        "SELECT table_export_job_statuses",
        "INSERT sharing_audit",
        // Once for each owner whose migration involves the role (status-tracker's and its own).
        "SELECT schema_migrations",
        "SELECT schema_migrations",
      ].sort(),
    );
    expect(grantsOf("sharing-server").map((g) => grantStatement("s", g))).toEqual([
      'GRANT INSERT ON TABLE "s".sharing_audit TO data_exporter_sharing_server',
      'GRANT USAGE ON SCHEMA "s" TO data_exporter_sharing_server',
      'GRANT SELECT ON TABLE "s".schema_migrations TO data_exporter_sharing_server',
    ]);
  });

  it("has nothing for an owner without tables", () => {
    expect(grantsOf("nobody")).toEqual([]);
  });
});
