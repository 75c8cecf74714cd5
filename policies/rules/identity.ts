/**
 * What a resource is, whatever it is called. The rules recognise this provider's
 * resources by the kind their implementation states (`powerplatformKind`, see
 * resourceTypes.ts: kindOfResource), so a resource registered under another type token meets the same
 * rules. This rule says so outright: a resource that runs this provider's implementation
 * under a type token other than its own, or whose kind cannot be told, is refused
 * (issue 8, item 7: a Trial environment registered under another token passed every rule).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig } from "../config";
import { kindOf, kindOfImplementation, typeToken } from "../resourceTypes";

const identityDefaults = {};

export const resourcesUnderTheirOwnType: ResourceValidationPolicy = {
  name: "powerplatform-resources-under-their-own-type",
  description: "Resources that run the @powerplatform-iac/provider implementation are registered under their own type token (pulumi-nodejs:dynamic/powerplatform:<Kind>), so that every tool reading the stack sees what they are.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(identityDefaults, {}),
  remediationSteps: "Use the provider's resource classes (new powerplatform.Environment(...)) instead of registering their implementation under another type.",
  validateResource: (args, reportViolation) => {
    ruleConfig(args, identityDefaults);
    const kind = kindOfImplementation(args);
    if (kind === undefined) return;
    if (kind === null) {
      reportViolation(
        `${args.type} "${args.name}" violates ${resourcesUnderTheirOwnType.name}: it runs the @powerplatform-iac/provider implementation, ` +
          `but which resource kind cannot be told, so no rule can check it. Use the provider's resource classes.`,
      );
      return;
    }
    if (kindOf(args.type) === kind && args.type === typeToken(kind)) return;
    reportViolation(
      `${args.type} "${args.name}" violates ${resourcesUnderTheirOwnType.name}: it runs the implementation of ${kind} under another type token ` +
        `(the rules for ${kind} apply to it all the same). Register it as ${typeToken(kind)}: use new powerplatform.${kind}(...).`,
    );
  },
};
