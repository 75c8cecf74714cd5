import {
  criticalFlowsStarted,
  flowGroupOrServicePrincipalOwner,
  flowMinimumCoOwners,
  flowOwnerAllowedPrincipalTypes,
} from "../../../policies/rules/flows";
import {
  flowOwnersProps,
  flowProps,
  flowStateProps,
  ids,
  remediate,
  resourceArgs,
  serializedProvider,
  unknownString,
  validate,
} from "./fakeArgs";

type Owner = { principalId: string; principalType: string; role?: string };
const withOwners = (owners: Owner[]) => ({ ...flowOwnersProps(), owners });

describe("flow-minimum-co-owners", () => {
  const rule = flowMinimumCoOwners;

  test("accepts two editors (role omitted means CanEdit)", async () => {
    expect(await validate(rule, resourceArgs("FlowOwners", flowOwnersProps()))).toEqual([]);
  });

  test("rejects a flow with one editor, naming the shortfall", async () => {
    const owners = [
      { principalId: ids.user, principalType: "User", role: "CanEdit" },
      { principalId: ids.group, principalType: "Group", role: "CanView" },
    ];
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners), { name: "invoices-owners" }))).toEqual([
      'FlowOwners "invoices-owners" violates flow-minimum-co-owners: the flow has 1 owner(s) with role CanEdit, fewer than the required 2. ' +
        "Add 1 more owner(s) with role CanEdit to owners.",
    ]);
  });

  test("counts a principal listed twice once (ids compared case-insensitively)", async () => {
    const owners = [
      { principalId: ids.user, principalType: "User" },
      { principalId: ids.user.toUpperCase(), principalType: "User", role: "CanEdit" },
    ];
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners)))).toHaveLength(1);
  });

  test("counts principals whose id is not known yet (preview) as distinct", async () => {
    const owners = [
      { principalId: unknownString, principalType: "Group" },
      { principalId: unknownString, principalType: "ServicePrincipal" },
    ];
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners)))).toEqual([]);
  });

  test("rejects a flow with no owners at all", async () => {
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners([])))).toEqual([expect.stringContaining("has 0 owner(s)")]);
  });

  test("follows the configured minimum", async () => {
    expect(await validate(rule, resourceArgs("FlowOwners", flowOwnersProps(), { config: { minimumCoOwners: 3 } }))).toEqual([
      expect.stringContaining("fewer than the required 3"),
    ]);
  });
});

describe("flow-group-or-service-principal-owner", () => {
  const rule = flowGroupOrServicePrincipalOwner;
  const users = [
    { principalId: ids.user, principalType: "User" },
    { principalId: ids.user2, principalType: "User" },
  ];

  test("accepts a group editor", async () => {
    expect(await validate(rule, resourceArgs("FlowOwners", flowOwnersProps()))).toEqual([]);
  });

  test("accepts a service principal editor", async () => {
    const owners = [...users, { principalId: ids.servicePrincipal, principalType: "ServicePrincipal", role: "CanEdit" }];
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners)))).toEqual([]);
  });

  test("rejects a flow owned only by users", async () => {
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(users), { name: "invoices-owners" }))).toEqual([
      'FlowOwners "invoices-owners" violates flow-group-or-service-principal-owner: no owner is a Group or a ServicePrincipal with role CanEdit. ' +
        'Add an owner with principalType "Group" or "ServicePrincipal" and role "CanEdit" to owners.',
    ]);
  });

  test("does not count a group that can only view, unless configured", async () => {
    const owners = [...users, { principalId: ids.group, principalType: "Group", role: "CanView" }];
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners)))).toHaveLength(1);
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners), { config: { requireCanEdit: false } }))).toEqual([]);
  });
});

describe("flow-owner-allowed-principal-types", () => {
  const rule = flowOwnerAllowedPrincipalTypes;

  test("accepts every principal type by default", async () => {
    const owners = [
      { principalId: ids.user, principalType: "User" },
      { principalId: ids.group, principalType: "Group" },
      { principalId: ids.servicePrincipal, principalType: "ServicePrincipal" },
    ];
    expect(await validate(rule, resourceArgs("FlowOwners", withOwners(owners)))).toEqual([]);
  });

  test("reports each owner of a type not allowed", async () => {
    const config = { allowedPrincipalTypes: ["Group", "ServicePrincipal"] };
    const messages = await validate(rule, resourceArgs("FlowOwners", flowOwnersProps(), { config, name: "invoices-owners" }));
    expect(messages).toEqual([
      `FlowOwners "invoices-owners" violates flow-owner-allowed-principal-types: owners[0] (principal ${ids.user}) is a User, which may not own flows. ` +
        'Replace it by a principal of type "Group", "ServicePrincipal".',
      expect.stringContaining(`owners[2] (principal ${ids.user2}) is a User`),
    ]);
  });

  test("reports an owner whose id is not known yet", async () => {
    const owners = [{ principalId: unknownString, principalType: "User" }];
    const messages = await validate(rule, resourceArgs("FlowOwners", withOwners(owners), { config: { allowedPrincipalTypes: ["Group"] } }));
    expect(messages).toEqual([expect.stringContaining("owners[0] (principal not known yet) is a User")]);
  });
});

describe("critical-flows-started", () => {
  const rule = criticalFlowsStarted;
  const stopped = () => ({ ...flowStateProps(), state: "Stopped" });

  test("accepts a critical flow that is Started", async () => {
    expect(await validate(rule, resourceArgs("FlowState", flowStateProps(), { name: "critical-invoices" }))).toEqual([]);
  });

  test("rejects a FlowState whose resource name marks it critical", async () => {
    expect(await validate(rule, resourceArgs("FlowState", stopped(), { name: "critical-invoices" }))).toEqual([
      'FlowState "critical-invoices" violates critical-flows-started: the flow is critical (its resource name matches /^critical[-_]/) but its state is "Stopped". ' +
        'Set state to "Started", or stop treating the flow as critical.',
    ]);
  });

  test("rejects a FlowState whose flow id is in criticalFlowIds", async () => {
    const config = { criticalFlowIds: [ids.flow.toUpperCase()] };
    expect(await validate(rule, resourceArgs("FlowState", stopped(), { name: "invoices", config }))).toEqual([
      expect.stringContaining(`the flow is critical (flow ${ids.flow} is in criticalFlowIds)`),
    ]);
  });

  test("accepts a stopped flow that is not critical", async () => {
    expect(await validate(rule, resourceArgs("FlowState", stopped(), { name: "invoices" }))).toEqual([]);
    expect(await validate(rule, resourceArgs("FlowState", stopped(), { name: "invoices", config: { criticalFlowIds: [ids.user] } }))).toEqual([]);
  });

  test("an empty name pattern marks no flow critical", async () => {
    expect(await validate(rule, resourceArgs("FlowState", stopped(), { name: "critical-invoices", config: { criticalFlowNamePattern: "" } }))).toEqual([]);
  });

  test("decides by name during preview without reading an unknown flow id", async () => {
    const props = { ...stopped(), flowId: unknownString };
    expect(await validate(rule, resourceArgs("FlowState", props, { name: "critical-invoices", config: { criticalFlowIds: [ids.flow] } }))).toHaveLength(1);
  });

  test("needs the flow id to decide by id: an unknown one is left to the engine (rule runs again at up)", async () => {
    const props = { ...stopped(), flowId: unknownString };
    await expect(validate(rule, resourceArgs("FlowState", props, { name: "invoices", config: { criticalFlowIds: [ids.flow] } }))).rejects.toThrow(
      /can't be known during preview/,
    );
  });

  test("checks Flow resources by name; a Flow that omits state is Stopped (the provider's default)", async () => {
    expect(await validate(rule, resourceArgs("Flow", { ...flowProps(), state: "Stopped" }, { name: "critical_payroll" }))).toEqual([
      expect.stringContaining('Flow "critical_payroll" violates critical-flows-started'),
    ]);
    const { state: _omitted, ...withoutState } = flowProps();
    expect(await validate(rule, resourceArgs("Flow", withoutState, { name: "critical_payroll" }))).toEqual([
      expect.stringContaining('Flow "critical_payroll" violates critical-flows-started'),
    ]);
    expect(await validate(rule, resourceArgs("Flow", { ...flowProps(), state: "Started" }, { name: "critical_payroll" }))).toEqual([]);
  });

  test("a Flow adopting a critical flow (adoptId in criticalFlowIds) may not stop it (issue 8, item 7)", async () => {
    const config = { criticalFlowIds: [ids.flow.toUpperCase()] };
    expect(await validate(rule, resourceArgs("Flow", { ...flowProps(), adoptId: ids.flow, state: "Stopped" }, { name: "payroll", config }))).toEqual([
      expect.stringContaining(`Flow "payroll" violates critical-flows-started: the flow is critical (flow ${ids.flow} is in criticalFlowIds)`),
    ]);
    expect(await validate(rule, resourceArgs("Flow", { ...flowProps(), adoptId: ids.flow, state: "Started" }, { name: "payroll", config }))).toEqual([]);
    expect(await validate(rule, resourceArgs("Flow", { ...flowProps(), state: "Stopped" }, { name: "payroll", config }))).toEqual([]);
  });

  test("remediation sets state Started and keeps everything else, __provider and unknowns included", async () => {
    const props = { ...stopped(), environmentId: unknownString };
    const fixed = await remediate(rule, resourceArgs("FlowState", props, { name: "critical-invoices" }));
    expect(fixed).toEqual({ ...props, state: "Started" });
    expect(fixed?.__provider).toBe(serializedProvider);
    expect(fixed?.environmentId).toBe(unknownString);
  });

  test("remediation leaves non-critical or started flows alone", async () => {
    expect(await remediate(rule, resourceArgs("FlowState", stopped(), { name: "invoices" }))).toBeUndefined();
    expect(await remediate(rule, resourceArgs("FlowState", flowStateProps(), { name: "critical-invoices" }))).toBeUndefined();
    expect(await remediate(rule, resourceArgs("FlowOwners", { ...flowOwnersProps(), state: "Stopped" }, { name: "critical-x" }))).toBeUndefined();
  });
});
