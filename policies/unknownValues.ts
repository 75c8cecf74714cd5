/**
 * Rules on values not known at preview. During `pulumi preview` (and the preview phase of
 * `pulumi up`), a value computed by another resource (an id, a SKU taken from another
 * resource's output) is unknown. A rule that needs it cannot decide; left to the engine,
 * it says "can't run policy during preview", the preview passes, and the rule then runs
 * during the update, when the resources it depends on already exist: a violation stops
 * the update midway and leaves them behind (issue 8, item 10).
 *
 * Every rule of the pack therefore has the setting `unknownAtPreview`:
 * - `fail` (default, the safe side): the rule reports a violation at its own level
 *   naming the value it needs, so a mandatory rule fails the preview, and `pulumi up`
 *   stops in its preview phase before anything is created;
 * - `enforceAtApply`: the rule is left to run at apply (the engine prints that it could
 *   not run during preview); an update may then stop midway.
 */
import type {
  Policy,
  PolicyConfigSchema,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "./config";
import { isUnknownValueError } from "./values";

export const unknownAtPreviewModes = ["fail", "enforceAtApply"] as const;
export type UnknownAtPreview = (typeof unknownAtPreviewModes)[number];
export const defaultUnknownAtPreview: UnknownAtPreview = "fail";

export const unknownAtPreviewSchema: PolicyConfigJSONSchema = {
  type: "string",
  enum: [...unknownAtPreviewModes],
  default: defaultUnknownAtPreview,
  description:
    "When the rule needs a value not known at preview: fail (report a violation, so a mandatory rule fails the preview before anything is created) or enforceAtApply (the rule runs during the update, which may then stop midway).",
};

function modeOf(args: { getConfig<T extends object>(): T }): UnknownAtPreview {
  const mode = (args.getConfig<{ unknownAtPreview?: UnknownAtPreview }>() ?? {}).unknownAtPreview;
  return mode === "enforceAtApply" ? "enforceAtApply" : "fail";
}

function unknownPath(error: unknown): string {
  const props = (error as { props?: unknown[] }).props;
  return Array.isArray(props) && props.length > 0 ? props.join(".") : "a property";
}

function message(rule: string, resource: string, error: unknown): string {
  return (
    `${resource} cannot be checked by ${rule} during preview: ${unknownPath(error)} is not known until another resource is created. ` +
    `Refused rather than let the update stop midway (unknownAtPreview: fail). Make the value known in the program, ` +
    `or set "unknownAtPreview": "enforceAtApply" for ${rule} to check it during the update.`
  );
}

function withSetting(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  return { ...(schema ?? {}), properties: { ...(schema?.properties ?? {}), unknownAtPreview: unknownAtPreviewSchema } };
}

/** `policy` with the unknownAtPreview setting: an unknown value it needs is a violation unless configured otherwise. */
export function failSafeOnUnknown<P extends Policy>(policy: P): P {
  const resourcePolicy = policy as unknown as ResourceValidationPolicy;
  if (resourcePolicy.validateResource !== undefined) {
    const validators = Array.isArray(resourcePolicy.validateResource) ? resourcePolicy.validateResource : [resourcePolicy.validateResource];
    return {
      ...policy,
      configSchema: withSetting(policy.configSchema),
      validateResource: async (args: Parameters<ResourceValidation>[0], reportViolation: Parameters<ResourceValidation>[1]) => {
        try {
          for (const validate of validators) await validate(args, reportViolation);
        } catch (error) {
          if (!isUnknownValueError(error) || modeOf(args) === "enforceAtApply") throw error;
          reportViolation(message(policy.name, `${args.type.split(":").pop()} "${args.name}"`, error));
        }
      },
    } as P;
  }
  const stackPolicy = policy as unknown as StackValidationPolicy;
  const validateStack = stackPolicy.validateStack;
  return {
    ...policy,
    configSchema: withSetting(policy.configSchema),
    validateStack: async (args: Parameters<StackValidationPolicy["validateStack"]>[0], reportViolation: Parameters<StackValidationPolicy["validateStack"]>[1]) => {
      try {
        await validateStack(args, reportViolation);
      } catch (error) {
        if (!isUnknownValueError(error) || modeOf(args) === "enforceAtApply") throw error;
        reportViolation(message(policy.name, "the stack", error));
      }
    },
  } as P;
}
