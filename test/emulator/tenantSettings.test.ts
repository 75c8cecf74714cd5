// The emulator's tenant settings surface: what is recorded (test/conformance compares the
// bodies) and the guesses it plays where nothing is recorded (test/emulator/README.md).
import { bootEmulator, Kit } from "./testkit";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => { await kit.control("POST", "/reset", {}); });

const BAP = "/providers/Microsoft.BusinessAppPlatform";
const V = "api-version=2023-06-01";
const list = () => kit.api("POST", `${BAP}/listTenantSettings?${V}`);
const update = (body: unknown, who: "admin" | "maker" = "admin") => kit.api("POST", `${BAP}/scopes/admin/updateTenantSettings?${V}`, body, who);

describe("tenant settings", () => {
  test("the seed is the recorded object; an update merges, settings it does not name keep their value", async () => {
    const before = (await list()).json;
    expect(before.powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers).toBe(false);
    const r = await update({ disableTrialEnvironmentCreationByNonAdminUsers: true, powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } } });
    expect(r.status).toBe(200);
    expect(r.json.disableTrialEnvironmentCreationByNonAdminUsers).toBe(true);
    expect(r.json.powerPlatform.governance).toEqual({ ...before.powerPlatform.governance, disableDeveloperEnvironmentCreationByNonAdminUsers: true });
    expect(r.json.walkMeOptOut).toBe(before.walkMeOptOut);
  });

  test("guesses: an unknown name is ignored, a value of another type is refused (400), the update needs an admin", async () => {
    const before = (await list()).json;
    const ignored = await update({ noSuchSetting: true, powerPlatform: { noSuchGroup: { x: 1 } } });
    expect(ignored.status).toBe(200);
    expect(ignored.json).toEqual(before);
    const wrongType = await update({ walkMeOptOut: "yes" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.code).toBe("InvalidRequestContent");
    expect((await update([true])).status).toBe(400);
    expect((await update({ walkMeOptOut: true }, "maker")).status).toBe(403);
    expect((await kit.api("POST", `${BAP}/listTenantSettings?${V}`, undefined, "maker")).status).toBe(200);
  });

  test("the control API edits the settings by hand (out of band), as the admin center does", async () => {
    const edited = await kit.control("PATCH", "/objects/tenantSettings", { powerPlatform: { governance: { disableAdminDigest: true } } });
    expect(edited.status).toBe(200);
    expect((await list()).json.powerPlatform.governance.disableAdminDigest).toBe(true);
    expect((await kit.control("GET", "/objects/tenantSettings")).json.powerPlatform.governance.disableAdminDigest).toBe(true);
  });
});
