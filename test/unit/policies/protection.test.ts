import { productionEnvironmentsProtected } from "../../../policies/rules/protection";
import { environmentProps, resourceArgs, validate } from "./fakeArgs";

describe("production-environments-protected", () => {
  const rule = productionEnvironmentsProtected;

  test("accepts a protected Production environment", async () => {
    expect(await validate(rule, resourceArgs("Environment", environmentProps(), { protect: true }))).toEqual([]);
  });

  test("rejects an unprotected Production environment, in any stack", async () => {
    for (const stack of ["dev", "prod"]) {
      expect(await validate(rule, resourceArgs("Environment", environmentProps(), { stack, name: "finance" }))).toEqual([
        'Environment "finance" violates production-environments-protected: the Production environment is not protected, so a destroy or a replacement would delete it with its data. Add `protect: true` to its resource options.',
      ]);
    }
  });

  test("accepts an unprotected Sandbox environment by default", async () => {
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), environmentSku: "Sandbox" }))).toEqual([]);
  });

  test("protects the configured SKUs", async () => {
    const config = { skus: ["Production", "Sandbox"] };
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), environmentSku: "Sandbox" }, { config }))).toHaveLength(1);
  });

  test("ignores other kinds", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", { environmentSku: "Production" }))).toEqual([]);
  });
});
