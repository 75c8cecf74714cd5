import { approvedApplicationPackages } from "../../../policies/rules/applications";
import { applicationInstallProps, resourceArgs, unknownString, validate } from "./fakeArgs";

describe("approved-application-packages", () => {
  const rule = approvedApplicationPackages;
  const config = { approvedPackages: ["msdyn_AppDeploymentAnchor", "msdyn_ProcessMiningAnchor"] };

  test("is not configured by default: any package passes", async () => {
    expect(await validate(rule, resourceArgs("ApplicationInstall", { ...applicationInstallProps(), uniqueName: "anything" }))).toEqual([]);
  });

  test("accepts an approved package (case-insensitive)", async () => {
    expect(await validate(rule, resourceArgs("ApplicationInstall", { ...applicationInstallProps(), uniqueName: "MSDYN_appdeploymentanchor" }, { config }))).toEqual([]);
  });

  test("rejects a package not on the list", async () => {
    const messages = await validate(rule, resourceArgs("ApplicationInstall", { ...applicationInstallProps(), uniqueName: "contoso_Shady" }, { name: "shady", config }));
    expect(messages).toEqual([
      'ApplicationInstall "shady" violates approved-application-packages: application package "contoso_Shady" is not approved. ' +
        'Remove this ApplicationInstall, or add "contoso_Shady" to approvedPackages once it is approved.',
    ]);
  });

  test("decides even when the environment id is not known yet", async () => {
    const props = { ...applicationInstallProps(), environmentId: unknownString, uniqueName: "contoso_Shady" };
    expect(await validate(rule, resourceArgs("ApplicationInstall", props, { config }))).toHaveLength(1);
  });
});
