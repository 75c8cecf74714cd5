// Managed environments on the emulator (surfaces/managedEnvironments.ts), checked against what the
// real service answers. Sources: microsoft/terraform-provider-power-platform
// internal/services/managed_environment/resource_managed_environment_test.go (202 + empty body +
// regional Location; 409 with an empty body while the environment cannot take it and for an
// environment in a group) and tests/resource/** (the configuration in the environment GET);
// test/conformance/recorded/sources.json "managedEnvironments.*". Guesses: test/emulator/README.md.
import { bootEmulator, Kit, until } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => {
  await kit.control("POST", "/reset", {});
  await kit.control("PUT", "/settings", { environmentOperationMs: 300 });
});

const P = "/providers/Microsoft.BusinessAppPlatform";
const E = SEED.environments;
const governance = (id: string, admin = false) => `${P}${admin ? "/scopes/admin" : ""}/environments/${id}/governanceConfiguration?api-version=2021-04-01`;
const getEnv = async (id: string) => (await kit.api("GET", `${P}/scopes/admin/environments/${id}?api-version=2023-06-01`)).json;
const settings = { solutionCheckerMode: "warn", maxLimitUserSharing: "5", isGroupSharingDisabled: "true" };

async function finish(location: string | null) {
  await until(() => kit.api("GET", location!), (x) => ["Succeeded", "Failed"].includes(x.json?.state?.id), 10_000);
}

test("Standard turns the features on once the operation is over; Basic turns them off, leaving nothing but the level", async () => {
  const on = await kit.api("POST", governance(E.sandbox), { protectionLevel: "Standard", settings: { extendedSettings: settings } });
  expect(on.status).toBe(202);
  expect((await getEnv(E.sandbox)).properties.governanceConfiguration).toEqual({ protectionLevel: "Basic" }); // not before the operation ends
  await finish(on.headers.get("location"));
  expect((await getEnv(E.sandbox)).properties.governanceConfiguration).toEqual({ protectionLevel: "Standard", settings: { extendedSettings: settings } });
  const off = await kit.api("POST", governance(E.sandbox, true), { protectionLevel: "Basic" });
  expect(off.status).toBe(202);
  const op = await until(() => kit.api("GET", off.headers.get("location")!), (x) => x.json?.state?.id === "Succeeded", 10_000);
  expect(op.json.type.id).toBe("DisableGovernanceConfiguration");
  expect((await getEnv(E.sandbox)).properties.governanceConfiguration).toEqual({ protectionLevel: "Basic" });
});

test("an environment in an environment group: 409 with an empty body, every time", async () => {
  await kit.control("PATCH", `/objects/environments/${E.sandbox}`, { properties: { parentEnvironmentGroup: { id: "11111111-1111-1111-1111-111111111111" } } });
  for (let i = 0; i < 2; i++) {
    const r = await kit.api("POST", governance(E.sandbox), { protectionLevel: "Standard" });
    expect(r.status).toBe(409);
    expect(r.text).toBe("");
  }
});

test("bad requests: unknown environment 404, no Dataverse 400 (a guess), unknown level 400, a non-string setting 400", async () => {
  expect((await kit.api("POST", governance("e1000000-0000-4000-8000-0000000000ff"), { protectionLevel: "Standard" })).status).toBe(404);
  const trial = await kit.api("POST", governance(E.trial), { protectionLevel: "Standard" });
  expect([trial.status, trial.json.error.code]).toEqual([400, "EnvironmentWithoutDataverse"]);
  expect((await kit.api("POST", governance(E.sandbox), { protectionLevel: "Premium" })).status).toBe(400);
  expect((await kit.api("POST", governance(E.sandbox), { protectionLevel: "Standard", settings: { extendedSettings: { maxLimitUserSharing: 5 } } })).status).toBe(400);
});
