/**
 * One program per damage of issue 8, chosen by the stack config `case`. Each declares
 * what a user wrote; the tests check that it is refused before it reaches the tenant.
 * Ids are the emulator's seed (test/emulator/seed.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();
const PRODUCTION_ENV = "e1000000-0000-4000-8000-000000000001";
const DAILY_REPORT_FLOW = "f1000000-0000-4000-8000-000000000001";
const GROUP = "c1000000-0000-4000-8000-0000000000b1";
const MAKER = "c1000000-0000-4000-8000-0000000000a2";

/**
 * The provider's Environment implementation under a type token of one's own: what a
 * serialized provider of this package looks like (the kind captured in a closure).
 */
function environmentImplementation(kind: string): pulumi.dynamic.ResourceProvider {
  const handler = () => require("@powerplatform-iac/provider/runtime").handlerFor(kind);
  return {
    check: (olds, news) => handler().check(olds, news),
    diff: (id, olds, news) => handler().diff(id, olds, news),
    create: (inputs) => handler().create(inputs),
    read: (id, props) => handler().read(id, props),
    update: (id, olds, news) => handler().update(id, olds, news),
    delete: (id, props) => handler().delete(id, props),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const loose = (args: Record<string, unknown>) => args as any;

/** A dynamic resource class of one's own: module `custom`, type `Sandbox`. */
class Disguised extends pulumi.dynamic.Resource {
  constructor(name: string, provider: pulumi.dynamic.ResourceProvider, props: Record<string, unknown>) {
    super(provider, name, props, {}, "custom", "Sandbox");
  }
}

switch (config.require("case")) {
  // Item 6: `protect: true` among the arguments protected nothing.
  case "protect-as-argument":
    new powerplatform.Environment("protected-by-mistake", loose({ displayName: "Keep me", location: "europe", environmentSku: "Sandbox", protect: true }));
    break;
  // Item 6: `securityGroupID` created an environment without its security group.
  case "security-group-typo":
    new powerplatform.Environment(
      "restricted",
      loose({ displayName: "Restricted", location: "europe", environmentSku: "Sandbox", dataverse: { currencyCode: "EUR" }, securityGroupID: GROUP }),
    );
    break;
  // Item 6: `roleName: CanView` granted CanEdit.
  case "role-name":
    new powerplatform.FlowOwners("viewers", {
      environmentId: PRODUCTION_ENV,
      flowId: DAILY_REPORT_FLOW,
      owners: [loose({ principalId: MAKER, principalType: "User", roleName: "CanView" }), { principalId: GROUP, principalType: "Group" }],
    });
    break;
  // Item 9: two declarations of one flow's co-owners fought on every run.
  case "two-owners":
    new powerplatform.FlowOwners("report-owners", { environmentId: PRODUCTION_ENV, flowId: DAILY_REPORT_FLOW, owners: [{ principalId: GROUP, principalType: "Group" }] });
    new powerplatform.FlowOwners("report-owners-too", { environmentId: PRODUCTION_ENV, flowId: DAILY_REPORT_FLOW, owners: [{ principalId: MAKER, principalType: "User" }] });
    break;
  // Item 7: the same implementation under another type token passed every rule.
  case "disguised-trial":
    new Disguised("sneaky-trial", environmentImplementation("Environment"), { displayName: "Sneaky", location: "europe", environmentSku: "Trial" });
    break;
  // Item 7: a Flow adopting a critical flow and stopping it passed critical-flows-started.
  case "adopt-critical-flow":
    new powerplatform.Flow("report-copy", {
      environmentId: PRODUCTION_ENV,
      displayName: "Daily report",
      definition: { triggers: { manual: { type: "Request", kind: "Button" } }, actions: {} },
      adoptId: DAILY_REPORT_FLOW,
      state: "Stopped",
    });
    break;
  // Item 10: a rule on a value unknown at preview passed the preview and stopped `up`
  // midway, after the helper environment was created.
  case "helper-environment": {
    const helper = new powerplatform.Environment("helper", { displayName: "Helper", location: "europe", environmentSku: "Sandbox" });
    new powerplatform.Environment("from-helper", {
      displayName: "From helper",
      location: "europe",
      environmentSku: helper.environmentId.apply(() => "Trial" as const),
    });
    break;
  }
  default:
    throw new Error(`unknown case ${config.require("case")}`);
}
