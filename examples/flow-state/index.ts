import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// An existing flow, kept in the declared state. Destroying the stack puts the flow
// back in the state it had before (the `initialState` output).
const flowState = new powerplatform.FlowState("invoice-approval-on", {
  environmentId: config.require("environmentId"),
  flowId: config.require("flowId"),
  state: config.get<"Started" | "Stopped">("state") ?? "Started",
});

export const state = flowState.state;
export const initialState = flowState.initialState;
export const flowDisplayName = flowState.flowDisplayName;
