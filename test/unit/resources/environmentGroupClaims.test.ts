/**
 * One group per environment in a program: a second EnvironmentGroup listing an environment
 * another group of the program lists fails at construction, naming both; one rule set per group.
 */
import * as pulumi from "@pulumi/pulumi";

pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
  "project",
  "stack",
  false,
);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pp = require("../../../provider/index") as typeof import("../../../provider/index");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { forgetClaims } = require("../../../provider/resources/claims") as typeof import("../../../provider/resources/claims");

const ENV = "e1000000-0000-4000-8000-000000000001";
const OTHER_ENV = "e1000000-0000-4000-8000-000000000002";
const GROUP = "0e000000-0000-4000-8000-000000000001";

const made: pulumi.Resource[] = [];
const track = <T extends pulumi.Resource>(resource: T): T => {
  made.push(resource);
  return resource;
};

beforeEach(() => forgetClaims());
afterEach(async () => {
  await Promise.all(made.splice(0).map((r) => new Promise((resolve) => r.urn.apply(resolve))));
});

test("two groups listing one environment: the second fails, naming both", () => {
  track(new pp.EnvironmentGroup("sales", { displayName: "Sales", environments: [ENV] }));
  expect(() => new pp.EnvironmentGroup("makers", { displayName: "Makers", environments: [OTHER_ENV, ENV.toUpperCase()] })).toThrow(
    /EnvironmentGroup "makers" and EnvironmentGroup "sales" both manage the group membership of environment e1000000-0000-4000-8000-000000000001/,
  );
});

test("two rule sets for one group: the second fails", () => {
  track(new pp.EnvironmentGroupRuleSet("rules", { environmentGroupId: GROUP, rules: {} }));
  expect(() => new pp.EnvironmentGroupRuleSet("rules-again", { environmentGroupId: GROUP, rules: {} })).toThrow(/both manage the rules of environment group/);
});

test("distinct environments in distinct groups are fine", () => {
  track(new pp.EnvironmentGroup("a", { displayName: "A", environments: [ENV] }));
  track(new pp.EnvironmentGroup("b", { displayName: "B", environments: [OTHER_ENV] }));
});
