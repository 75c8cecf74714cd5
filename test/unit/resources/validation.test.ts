import { InputChecker, unknownValue } from "../../../provider/resources/validation";

describe("InputChecker", () => {
  test("a value not known during preview passes every check", () => {
    const c = new InputChecker("Thing");
    expect(c.string(unknownValue, "a", { required: true, pattern: /^x$/ })).toBe(unknownValue);
    expect(c.guid(unknownValue, "b", { required: true })).toBe(unknownValue);
    expect(c.oneOf(unknownValue, "c", ["A", "B"] as const)).toBe(unknownValue);
    expect(c.object(unknownValue, "d", { required: true })).toBeUndefined();
    expect(c.boolean(unknownValue, "e", true)).toBe(true);
    expect(c.failures).toEqual([]);
  });

  test("known bad values are still refused, each by its property", () => {
    const c = new InputChecker("Thing");
    c.string("y", "a", { pattern: /^x$/, patternHint: "must be x" });
    c.guid("nope", "b");
    c.oneOf("C", "c", ["A", "B"] as const);
    c.object([], "d");
    c.boolean("yes", "e", false);
    expect(c.failures.map((f) => f.property)).toEqual(["a", "b", "c", "d", "e"]);
    expect(c.failures[0].reason).toBe('Thing: a must be x (got "y")');
  });
});
