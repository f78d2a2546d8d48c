import type { Admin, AclEntry } from "kafkajs";
import kafkajs from "kafkajs";
import type { TopicAcl } from "@data-exporter/contracts";

// kafkajs is CommonJS; Node's ESM loader cannot see these named exports, so they are read from the default one.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** kafkajs ACL entries granting `principal` (e.g. `User:planner`) the permissions, from any host. */
export function aclEntries(principal: string, acls: readonly TopicAcl[]): AclEntry[] {
  return acls.map((acl) => ({
    resourceType: acl.resource === "topic" ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: acl.name,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal,
    host: "*",
    operation: AclOperationTypes[acl.operation],
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

/** Creates the ACLs (the broker ignores one that already exists, so applying them again is harmless). */
export async function grantAcls(
  admin: Pick<Admin, "createAcls">,
  principal: string,
  acls: readonly TopicAcl[],
): Promise<void> {
  await admin.createAcls({ acl: aclEntries(principal, acls) });
}
