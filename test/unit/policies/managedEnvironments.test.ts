import { productionEnvironmentsManaged } from "../../../policies/rules/managedEnvironments";
import { environmentProps, ids, policyResource, stackArgs, unknownString, validateStack } from "./fakeArgs";

describe("production-environments-managed", () => {
  const rule = productionEnvironmentsManaged;
  const managedProps = (environmentId: string = ids.environment) => ({ environmentId, protectionLevel: "Standard", solutionCheckerMode: "Block" });

  test("accepts a Production environment managed by its environmentId output (ids compared without case)", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), environmentId: ids.environment });
    const managed = policyResource("ManagedEnvironment", "finance", managedProps(ids.environment.toUpperCase()));
    expect(await validateStack(rule, stackArgs([env, managed]))).toEqual([]);
  });

  test("during preview, accepts a ManagedEnvironment whose environmentId depends on the environment resource", async () => {
    const env = policyResource("Environment", "finance", environmentProps());
    const managed = policyResource("ManagedEnvironment", "finance", { ...managedProps(), environmentId: unknownString }, { propertyDependencies: { environmentId: [env] } });
    expect(await validateStack(rule, stackArgs([env, managed]))).toEqual([]);
  });

  test("accepts an adopted environment managed by its adoptId", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), adoptId: ids.environment });
    expect(await validateStack(rule, stackArgs([env, policyResource("ManagedEnvironment", "finance", managedProps())]))).toEqual([]);
  });

  test("reports a Production environment without one, naming resource, rule and the fix", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), environmentId: ids.environment });
    const other = policyResource("ManagedEnvironment", "other", managedProps("99999999-aaaa-bbbb-cccc-000000000009"));
    const reported = await validateStack(rule, stackArgs([env, other]));
    expect(reported).toEqual([{ message: expect.stringContaining('Environment "finance" violates production-environments-managed: the Production environment is not a managed environment'), urn: env.urn }]);
    expect(reported[0].message).toContain("add a managed: section");
  });

  test("a ManagedEnvironment turned off by hand (protectionLevel Basic, as the drift command sees it) does not count", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), environmentId: ids.environment });
    const managed = policyResource("ManagedEnvironment", "finance", { ...managedProps(), protectionLevel: "Basic" });
    expect(await validateStack(rule, stackArgs([env, managed]))).toHaveLength(1);
  });

  test("leaves other SKUs alone by default, and follows the configured SKUs", async () => {
    const sandbox = policyResource("Environment", "test", { ...environmentProps(), environmentSku: "Sandbox", environmentId: ids.environment });
    expect(await validateStack(rule, stackArgs([sandbox]))).toEqual([]);
    expect(await validateStack(rule, stackArgs([sandbox], { skus: ["Production", "Sandbox"] }))).toHaveLength(1);
  });

  test("an environment whose SKU is not known yet is not judged", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), environmentSku: unknownString });
    expect(await validateStack(rule, stackArgs([env]))).toEqual([]);
  });
});
