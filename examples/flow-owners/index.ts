import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// Every co-owner (CanEdit) and viewer (CanView) of an existing flow: anyone added by
// hand is removed on the next `pulumi up --refresh`. The creator keeps its Owner role.
const owners = new powerplatform.FlowOwners("daily-report-owners", {
  environmentId: config.require("environmentId"),
  flowId: config.require("flowId"),
  owners: config.getObject<powerplatform.FlowOwnerArgs[]>("owners") ?? [
    // A security group of the team that maintains the flow, as co-owners.
    { principalId: config.require("teamGroupId"), principalType: "Group" },
  ],
});

export const creatorId = owners.creatorId;
export const managedOwners = owners.owners;
