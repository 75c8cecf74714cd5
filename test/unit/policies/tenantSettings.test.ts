import { tenantSettingsRestrictEnvironmentCreation } from "../../../policies/rules/tenantSettings";
import { policyResource, serializedProvider, stackArgs, unknownString, validateStack } from "./fakeArgs";

const restricted = () => ({
  __provider: serializedProvider,
  settings: {
    disableTrialEnvironmentCreationByNonAdminUsers: true,
    powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } },
  },
});

describe("tenant-settings-restrict-environment-creation", () => {
  const rule = tenantSettingsRestrictEnvironmentCreation;

  test("accepts tenant settings that restrict trial and developer environment creation", async () => {
    expect(await validateStack(rule, stackArgs([policyResource("TenantSettings", "tenant-settings", restricted())]))).toEqual([]);
  });

  test("reports a setting that is false, and one that is not declared, against the resource's URN", async () => {
    const settings = policyResource("TenantSettings", "tenant-settings", {
      __provider: serializedProvider,
      settings: { disableTrialEnvironmentCreationByNonAdminUsers: false, walkMeOptOut: true },
    });
    const reported = await validateStack(rule, stackArgs([settings]));
    expect(reported).toEqual([
      {
        urn: settings.urn,
        message:
          'TenantSettings "tenant-settings" violates tenant-settings-restrict-environment-creation: disableTrialEnvironmentCreationByNonAdminUsers is false. Declare settings.disableTrialEnvironmentCreationByNonAdminUsers: true.',
      },
      {
        urn: settings.urn,
        message: expect.stringContaining(
          "powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers is not declared (the tenant keeps whatever value it has)",
        ),
      },
    ]);
  });

  test("production creation is required only when configured", async () => {
    const resources = [policyResource("TenantSettings", "tenant-settings", restricted())];
    expect(await validateStack(rule, stackArgs(resources, { requireProductionCreationRestricted: false }))).toEqual([]);
    const reported = await validateStack(rule, stackArgs(resources, { requireProductionCreationRestricted: true }));
    expect(reported.map((r) => r.message)).toEqual([expect.stringContaining("disableEnvironmentCreationByNonAdminUsers is not declared")]);
    const all = restricted();
    (all.settings as Record<string, unknown>).disableEnvironmentCreationByNonAdminUsers = true;
    expect(await validateStack(rule, stackArgs([policyResource("TenantSettings", "tenant-settings", all)], { requireProductionCreationRestricted: true }))).toEqual([]);
  });

  test("a stack without TenantSettings passes by default, and fails when requireTenantSettings is set", async () => {
    const environment = policyResource("Environment", "sales", { __provider: serializedProvider, displayName: "Sales", location: "europe", environmentSku: "Production" });
    expect(await validateStack(rule, stackArgs([environment]))).toEqual([]);
    const reported = await validateStack(rule, stackArgs([environment], { requireTenantSettings: true }));
    expect(reported).toHaveLength(1);
    expect(reported[0].message).toContain("it declares no TenantSettings");
    expect(reported[0].message).toContain("disableTrialEnvironmentCreationByNonAdminUsers, powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers");
  });

  test("a value not known at preview is reported as such, never taken for true", async () => {
    const props = restricted();
    (props.settings as Record<string, unknown>).disableTrialEnvironmentCreationByNonAdminUsers = unknownString;
    const reported = await validateStack(rule, stackArgs([policyResource("TenantSettings", "tenant-settings", props)]));
    expect(reported.map((r) => r.message)).toEqual([expect.stringMatching(/disableTrialEnvironmentCreationByNonAdminUsers (is not known yet|.*not known)/)]);
  });
});
