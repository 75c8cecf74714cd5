export * from "./environments";
export * from "./billingPolicies";
export * from "./applicationPackages";
export * from "./flows";
export * from "./flowRuns";
export * from "./connectors";
export * from "./connections";
export type { FunctionOptions } from "./common";
export * from "./environmentGroups";
