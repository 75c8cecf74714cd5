import type { PowerPlatformClient } from "../../../provider/client";
import { getEnvironmentGroupRules, getEnvironmentGroups } from "../../../provider/functions";

const G1 = "0e000000-0000-4000-8000-000000000001";
const G2 = "0e000000-0000-4000-8000-000000000002";
const env = (name: string, group?: string) => ({ name, location: "europe", properties: { displayName: name, ...(group ? { parentEnvironmentGroup: { id: group.toUpperCase() } } : {}) } });

const client = {
  environments: { list: async () => [env("E2", G1), env("e1", G1), env("e3", G2), env("e4")] },
  environmentGroups: {
    list: async () => [
      { id: G1, displayName: "Sales", description: null, createdTime: "2026-01-01T00:00:00Z" },
      { id: G2, displayName: "Makers", description: "d" },
    ],
    getRuleSet: async (id: string) =>
      id === G1 ? { id: "r1", parameters: [{ type: "SolutionChecker", resourceType: "NotSpecified", value: [{ id: "solutionCheckerMode", value: "block" }, { id: "suppressValidationEmails", value: "false" }] }] } : undefined,
  },
} as unknown as PowerPlatformClient;

describe("environment group data functions", () => {
  test("getEnvironmentGroups lists every group with its members (lower case, sorted), filtered by name", async () => {
    expect(await getEnvironmentGroups({}, { client })).toEqual([
      { environmentGroupId: G1, displayName: "Sales", description: "", environments: ["e1", "e2"], createdTime: "2026-01-01T00:00:00Z" },
      { environmentGroupId: G2, displayName: "Makers", description: "d", environments: ["e3"] },
    ]);
    expect((await getEnvironmentGroups({ displayName: "Makers" }, { client })).map((g) => g.environmentGroupId)).toEqual([G2]);
  });

  test("getEnvironmentGroupRules gives the rules as EnvironmentGroupRuleSet declares them; none when the group has no set", async () => {
    expect(await getEnvironmentGroupRules({ environmentGroupId: G1 }, { client })).toEqual({
      ruleSetId: "r1",
      rules: { solutionCheckerEnforcement: { solutionCheckerMode: "Block", suppressValidationEmails: false } },
    });
    expect(await getEnvironmentGroupRules({ environmentGroupId: G2 }, { client })).toEqual({ rules: {} });
  });
});
