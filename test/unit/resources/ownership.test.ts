/**
 * Which tenant objects a create may take as its own (resources/ownership.ts), and what
 * FlowOwners restores on delete (restoreChanges).
 */
import {
  adoptAfterUnknownOutcome,
  type Candidate,
  claimObject,
  clearClaims,
  provablyOurs,
  refuseRecentDuplicate,
} from "../../../provider/resources/ownership";
import { restoreChanges } from "../../../provider/resources/flowOwners";
import type { FlowPermission } from "../../../provider/client/api/types";
import { harness, T0 } from "../client/helpers";

const US = "a1000000-0000-4000-8000-00000000b001";
const OTHER = "c1000000-0000-4000-8000-0000000000a3";
const iso = (ms: number) => new Date(ms).toISOString();
const candidate = (id: string, creatorId: string | undefined, createdMs: number): Candidate => ({ id, name: "n", creatorId, createdTime: iso(createdMs) });

beforeEach(() => clearClaims());

describe("provablyOurs", () => {
  test("our principal, inside the window widened by the skew", () => {
    expect(provablyOurs(candidate("a", US, T0), US, T0, T0, 0)).toBe(true);
    expect(provablyOurs(candidate("a", US.toUpperCase(), T0 + 30_000), US, T0, T0, 60_000)).toBe(true);
  });
  test("another creator, an unknown creator, outside the window, no time, no principal: not ours", () => {
    expect(provablyOurs(candidate("a", OTHER, T0), US, T0, T0, 60_000)).toBe(false);
    expect(provablyOurs(candidate("a", undefined, T0), US, T0, T0, 60_000)).toBe(false);
    expect(provablyOurs(candidate("a", US, T0 - 61_000), US, T0, T0, 60_000)).toBe(false);
    expect(provablyOurs({ id: "a", name: "n", creatorId: US }, US, T0, T0, 60_000)).toBe(false);
    expect(provablyOurs(candidate("a", US, T0), undefined, T0, T0, 60_000)).toBe(false);
  });
});

describe("adoptAfterUnknownOutcome", () => {
  const cause = new Error("POST /x: socket hang up");

  test("adopts the one object provably made by the create, and claims it", async () => {
    const { client, clock } = harness();
    const found = await adoptAfterUnknownOutcome({
      kind: "K",
      error: cause,
      client,
      principalId: US,
      startedMs: clock.now(),
      matching: async () => [
        { candidate: candidate("foreign", OTHER, clock.now()), value: "foreign" },
        { candidate: candidate("ours", US, clock.now()), value: "ours" },
      ],
      adoptHint: "set adoptId",
    });
    expect(found).toBe("ours");
    // Claimed: a second create of this process cannot take it again.
    await expect(
      adoptAfterUnknownOutcome({
        kind: "K",
        error: cause,
        client,
        principalId: US,
        startedMs: clock.now(),
        matching: async () => [{ candidate: candidate("ours", US, clock.now()), value: "ours" }],
        adoptHint: "set adoptId",
      }),
    ).rejects.toThrow(/no object made by this principal during the request appeared/);
  });

  test("never adopts a foreign object: the error names it and the way to adopt on purpose", async () => {
    const { client, clock } = harness();
    const error = await adoptAfterUnknownOutcome({
      kind: "BillingPolicy",
      error: cause,
      client,
      principalId: US,
      startedMs: clock.now(),
      matching: async () => [{ candidate: candidate("foreign", OTHER, clock.now()), value: "foreign" }],
      adoptHint: "set adoptId to the id of the one to manage",
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain(`foreign ("n", created by ${OTHER}`);
    expect((error as Error).message).toContain("set adoptId to the id of the one to manage");
    expect((error as Error).message).toContain("socket hang up");
    // It looked again for the configured time (60 s by default) before giving up.
    expect(clock.now() - T0).toBeGreaterThanOrEqual(45_000);
  });

  test("two objects of ours: neither is adopted", async () => {
    const { client, clock } = harness();
    await expect(
      adoptAfterUnknownOutcome({
        kind: "K",
        error: cause,
        client,
        principalId: US,
        startedMs: clock.now(),
        matching: async () => [
          { candidate: candidate("a", US, clock.now()), value: "a" },
          { candidate: candidate("b", US, clock.now()), value: "b" },
        ],
        adoptHint: "set adoptId",
      }),
    ).rejects.toThrow(/2 objects created by this principal during it match/);
  });
});

describe("refuseRecentDuplicate", () => {
  test("refuses when our principal recently made a matching object no resource claims, naming it and the recovery command", async () => {
    const { client, clock } = harness();
    await expect(
      refuseRecentDuplicate({ kind: "Flow", client, principalId: US, matching: async () => [candidate("left-behind", US, clock.now() - 60_000)], adoptHint: "set adoptId" }),
    ).rejects.toThrow(/left-behind.*powerplatform-recover --stack/);
  });

  test("lets the create go when the object is failed, claimed, foreign, old, or the guard is off", async () => {
    const { client, clock } = harness();
    claimObject("Flow", "claimed");
    const matching = async () => [
      { ...candidate("failed", US, clock.now()), failed: true },
      candidate("claimed", US, clock.now()),
      candidate("foreign", OTHER, clock.now()),
      candidate("old", US, clock.now() - 7 * 3_600_000),
    ];
    await expect(refuseRecentDuplicate({ kind: "Flow", client, principalId: US, matching, adoptHint: "" })).resolves.toBeUndefined();
    const off = harness([], { safety: { duplicateGuardMs: 0 } });
    let listed = false;
    await refuseRecentDuplicate({
      kind: "Flow",
      client: off.client,
      principalId: US,
      matching: async () => ((listed = true), [candidate("x", US, off.clock.now())]),
      adoptHint: "",
    });
    expect(listed).toBe(false);
  });
});

describe("FlowOwners restores on delete what it found", () => {
  const perm = (id: string, roleName: string, type = "User"): FlowPermission =>
    ({ name: id, id: `p/${id}`, type: "t", properties: { roleName, permissionType: "Principal", principal: { id, type } } }) as FlowPermission;

  test("managed principals get their former role back or leave; removed ones come back; others are untouched", () => {
    const current = [perm("creator", "Owner"), perm("g", "CanEdit", "Group"), perm("added", "CanView"), perm("by-hand", "CanEdit")];
    const managed = [
      { principalId: "g", principalType: "Group" as const, role: "CanEdit" as const },
      { principalId: "added", principalType: "User" as const, role: "CanView" as const },
    ];
    const before = [
      { principalId: "g", principalType: "Group" as const, role: "CanView" as const },
      { principalId: "removed", principalType: "User" as const, role: "CanEdit" as const },
    ];
    expect(restoreChanges(current, managed, before)).toEqual({
      put: [
        { principalId: "g", principalType: "Group", role: "CanView" },
        { principalId: "removed", principalType: "User", role: "CanEdit" },
      ],
      remove: ["added"],
    });
  });
});
