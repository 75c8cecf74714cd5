/**
 * Tenant settings: environment creation stays with admins (trial and developer
 * environments, and optionally production and sandbox ones).
 *
 * Tenant settings are one object per tenant, so only one stack manages them (a second one
 * would fight it). A stack without a TenantSettings therefore passes by default; the stack
 * that owns the tenant's settings sets `requireTenantSettings: true` (its own
 * `--policy-pack-config`), and then fails when its TenantSettings is missing.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig } from "../config";
import { resourceLabel } from "../messages";
import { isKind, types } from "../resourceTypes";
import { peek, unknown } from "../values";

export interface RestrictEnvironmentCreationConfig {
  /** Also require `disableEnvironmentCreationByNonAdminUsers` (production and sandbox environments). */
  requireProductionCreationRestricted: boolean;
  /** Fail a stack that declares no TenantSettings (set it in the one stack that owns the tenant's settings). */
  requireTenantSettings: boolean;
}
const restrictDefaults: RestrictEnvironmentCreationConfig = { requireProductionCreationRestricted: false, requireTenantSettings: false };

/** The settings (dotted paths) that must be `true`: trial and developer always, production when configured. */
export function requiredRestrictions(config: RestrictEnvironmentCreationConfig): string[] {
  return [
    "disableTrialEnvironmentCreationByNonAdminUsers",
    "powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers",
    ...(config.requireProductionCreationRestricted ? ["disableEnvironmentCreationByNonAdminUsers"] : []),
  ];
}

function valueAt(resource: PolicyResource, dotted: string): unknown {
  return peek(() => dotted.split(".").reduce<unknown>((at, name) => (at && typeof at === "object" ? (at as Record<string, unknown>)[name] : undefined), resource.props.settings));
}

export const tenantSettingsRestrictEnvironmentCreation: StackValidationPolicy = {
  name: "tenant-settings-restrict-environment-creation",
  description:
    "The tenant settings keep trial and developer environment creation restricted to admins (disableTrialEnvironmentCreationByNonAdminUsers and powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers are true; optionally disableEnvironmentCreationByNonAdminUsers too).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(restrictDefaults, {
    requireProductionCreationRestricted: {
      type: "boolean",
      description: "Also require disableEnvironmentCreationByNonAdminUsers: true (only admins create production and sandbox environments).",
    },
    requireTenantSettings: {
      type: "boolean",
      description: "Fail a stack that declares no TenantSettings. Set it in the one stack that owns the tenant's settings (a tenant has one settings object, managed by one stack).",
    },
  }),
  remediationSteps: "Declare the settings true in the TenantSettings (tenant file: tenantSettings), e.g. disableTrialEnvironmentCreationByNonAdminUsers: true and powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers: true.",
  validateStack: (args, reportViolation) => {
    const config = ruleConfig(args, restrictDefaults);
    const settings = args.resources.filter((r) => isKind(r, "TenantSettings"));
    if (settings.length === 0) {
      if (config.requireTenantSettings) {
        reportViolation(
          `The stack violates ${tenantSettingsRestrictEnvironmentCreation.name}: it declares no TenantSettings, so nothing keeps environment creation restricted to admins. ` +
            `Declare a TenantSettings (${types.TenantSettings}; tenant file: a tenantSettings section) with ${requiredRestrictions(config).join(", ")} set to true.`,
        );
      }
      return;
    }
    for (const resource of settings) {
      for (const dotted of requiredRestrictions(config)) {
        const value = valueAt(resource, dotted);
        if (value === true) continue;
        const problem =
          value === unknown ? `${dotted} is not known yet` : value === undefined ? `${dotted} is not declared (the tenant keeps whatever value it has)` : `${dotted} is ${JSON.stringify(value)}`;
        reportViolation(
          `${resourceLabel(resource.type, resource.name)} violates ${tenantSettingsRestrictEnvironmentCreation.name}: ${problem}. Declare settings.${dotted}: true.`,
          resource.urn,
        );
      }
    }
  },
};
