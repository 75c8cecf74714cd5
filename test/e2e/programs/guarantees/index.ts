// One resource of each kind the fault tests need, each declared only when its config is set.
import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();
export const ids: Record<string, pulumi.Output<string>> = {};

const policyName = config.get("policyName");
if (policyName) {
  ids.policy = new powerplatform.BillingPolicy("policy", {
    name: policyName,
    location: "europe",
    billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-guarantees" },
  }).billingPolicyId;
}

const environmentName = config.get("environmentName");
if (environmentName) {
  ids.environment = new powerplatform.Environment("environment", {
    displayName: environmentName,
    location: "europe",
    environmentSku: "Sandbox",
    // With Dataverse, the create is a long-running lifecycle operation.
    ...(config.getBoolean("environmentDataverse") ? { dataverse: { languageCode: 1033, currencyCode: "USD" } } : {}),
  }).environmentId;
}

const flowName = config.get("flowName");
if (flowName) {
  ids.flow = new powerplatform.Flow("flow", {
    environmentId: config.require("flowEnvironmentId"),
    displayName: flowName,
    definition: {
      $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
      contentVersion: "1.0.0.0",
      triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: {} } } },
      actions: { Compose: { type: "Compose", inputs: "guarantees" } },
    },
  }).flowId;
}

const stateFlowId = config.get("stateFlowId");
if (stateFlowId) {
  ids.flowState = new powerplatform.FlowState("flow-state", {
    environmentId: config.require("flowEnvironmentId"),
    flowId: stateFlowId,
    state: config.get<"Started" | "Stopped">("flowState") ?? "Started",
  }).initialState;
}

const ownersFlowId = config.get("ownersFlowId");
if (ownersFlowId) {
  ids.flowOwners = new powerplatform.FlowOwners("flow-owners", {
    environmentId: config.require("flowEnvironmentId"),
    flowId: ownersFlowId,
    owners: config.requireObject<Array<{ principalId: string; principalType: "User" | "Group" | "ServicePrincipal"; role: "CanEdit" | "CanView" }>>("owners"),
  }).flowId;
}

const linkPolicyId = config.get("linkPolicyId");
if (linkPolicyId) {
  ids.link = new powerplatform.BillingPolicyEnvironment("link", {
    billingPolicyId: linkPolicyId,
    environmentId: config.require("linkEnvironmentId"),
  }).environmentId;
}
