import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// A flow kept in git: a button trigger that composes a greeting. Edit the definition
// here and `pulumi up` PATCHes it; a definition edited in the portal shows as drift.
const flow = new powerplatform.Flow("daily-greeting", {
  environmentId: config.require("environmentId"),
  displayName: config.get("displayName") ?? "Daily greeting",
  state: config.get<"Started" | "Stopped">("state") ?? "Stopped",
  // Set to take over a flow made in the portal instead of creating a new one.
  adoptId: config.get("adoptId"),
  definition: {
    $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    contentVersion: "1.0.0.0",
    triggers: {
      manual: { type: "Request", kind: "Button", inputs: { schema: {} } },
    },
    actions: {
      Compose: { type: "Compose", inputs: config.get("greeting") ?? "Good morning" },
    },
  },
});

export const flowId = flow.flowId;
export const state = flow.state;
export const creatorId = flow.creatorId;
