/** The field-by-field comparison used against the emulator finds every kind of difference. */
import { describeDifferences, differences, shapeOf } from "./shape";

const samples = [
  { id: "a", status: "Enabled", createdBy: { id: "u", type: "User" }, value: [{ k: 1 }], optional: "x", nullable: null },
  { id: "b", status: "Disabled", createdBy: { id: "v", type: "User" }, value: [{ k: 2, extra: true }], nullable: null },
];
const shape = shapeOf(...samples);

describe("shape comparison", () => {
  test("a body like the samples has no difference (optional keys may be absent, null accepts any type)", () => {
    expect(differences(shape, { id: "c", status: "Enabled", createdBy: { id: "w", type: "User" }, value: [{ k: 3 }], nullable: "now a string" })).toEqual([]);
  });

  test("an invented key, nested or in an array element, is a difference", () => {
    const body = { id: "c", status: "Enabled", createdBy: { id: "w", type: "User", email: "e" }, value: [{ k: 3, invented: 1 }], currency: { code: "USD" }, nullable: null };
    expect(describeDifferences(differences(shape, body)).sort()).toEqual([
      "invented createdBy.email: no recorded response has this key",
      "invented currency: no recorded response has this key",
      "invented value[].invented: no recorded response has this key",
    ]);
  });

  test("a key every sample has is missing when absent", () => {
    expect(describeDifferences(differences(shape, { id: "c", createdBy: { id: "w" }, value: [], nullable: null }))).toEqual([
      "missing createdBy.type: every recorded response (2) has this key",
      "missing status: every recorded response (2) has this key",
    ]);
  });

  test("a JSON type the service does not use is a difference", () => {
    expect(describeDifferences(differences(shape, { ...samples[0], status: 1, value: {} }))).toEqual([
      "type status: number where the service gives string",
      "type value: object where the service gives array",
    ]);
  });

  test("allowed differences and opaque paths are not reported", () => {
    const body = { ...samples[0], currency: "USD", createdBy: { id: "u", type: "User", anything: { goes: 1 } } };
    expect(differences(shape, body, [{ kind: "invented", path: "currency", why: "test" }], ["createdBy"])).toEqual([]);
  });
});
