// One FlowState per entry of the `flows` config: [{ environmentId, flowId, state }].
import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

interface Entry {
  environmentId: string;
  flowId: string;
  state: "Started" | "Stopped";
}

const flows = new pulumi.Config().requireObject<Entry[]>("flows");
export const states: Record<string, pulumi.Output<string>> = {};
for (const f of flows) {
  states[f.flowId] = new powerplatform.FlowState(`state-${f.flowId}`, f).state;
}
