/**
 * Policy packs over the tenant *as it is now*. A preview with `--policy-pack` shows the
 * rules the program's inputs, and `pulumi refresh` takes no policy pack, so a change
 * made by hand would go unseen. Instead the refreshed resources are registered, with
 * their refreshed properties and the same type tokens, in a throw-away stack of the
 * same name (a local backend in a temporary directory) whose preview runs the packs:
 * resource rules see what the tenant holds, stack rules see every resource's
 * properties. The mirror's provider only echoes its inputs; the preview makes no call
 * to the tenant and writes nothing to the real stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { type EngineEvent, LocalWorkspace, type PolicyEvent } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyViolation } from "./report";

export interface RefreshedResource {
  /** `pulumi-nodejs:dynamic/<module>:<Kind>` */
  type: string;
  name: string;
  properties: Record<string, unknown>;
  protect: boolean;
}

const dynamicType = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/;

/**
 * The resources still in the tenant after a refresh preview, with what it holds now
 * (a resource's outputs event, which follows its pre event, carries the refreshed state).
 */
export function tenantNowFromEvents(events: EngineEvent[]): RefreshedResource[] {
  const found = new Map<string, RefreshedResource>();
  for (const event of events) {
    const step = event.resOutputsEvent?.metadata ?? event.resourcePreEvent?.metadata;
    if (!step || !dynamicType.test(step.type)) continue;
    const state = step.new ?? (step.op === "same" ? step.old : undefined);
    if (!state || !state.id || step.op === "delete") {
      found.delete(step.urn);
      continue;
    }
    found.set(step.urn, {
      type: step.type,
      name: step.urn.split("::").pop() ?? step.urn,
      properties: state.outputs ?? {},
      protect: state.protect === true,
    });
  }
  return [...found.values()];
}

export function violationsFromEvents(events: EngineEvent[]): PolicyViolation[] {
  return events
    .map((e) => e.policyEvent)
    .filter((p): p is PolicyEvent => p !== undefined)
    .map((p) => ({
      policyPack: p.policyPackName,
      policy: p.policyName,
      enforcementLevel: p.enforcementLevel,
      message: p.message,
      ...(p.resourceUrn ? { urn: p.resourceUrn } : {}),
    }));
}

/** Echoes its inputs: enough for a preview, which never creates. */
const mirrorProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => ({ inputs: news }),
  diff: async () => ({ changes: false }),
  create: async (inputs) => ({ id: "mirror", outs: inputs }),
};

class MirrorResource extends pulumi.dynamic.Resource {}

export interface TenantNowPolicyOptions {
  workDir: string;
  stack: string;
  project: string;
  resources: RefreshedResource[];
  policyPacks: string[];
  policyPackConfigs?: string[];
  onOutput?: (line: string) => void;
}

export async function policyViolationsOfTenantNow(options: TenantNowPolicyOptions): Promise<PolicyViolation[]> {
  // Inside the project, so the engine's dynamic-provider process resolves @pulumi/pulumi.
  const scratch = fs.mkdtempSync(path.join(options.workDir, ".drift-policy-"));
  try {
    const program = async () => {
      for (const r of options.resources) {
        const [, module, kind] = dynamicType.exec(r.type)!;
        const { __provider: _ignored, ...properties } = r.properties;
        new MirrorResource(mirrorProvider, r.name, properties, { protect: r.protect }, module, kind);
      }
    };
    const stack = await LocalWorkspace.createStack(
      { stackName: options.stack, projectName: options.project, program },
      {
        workDir: scratch,
        projectSettings: { name: options.project, runtime: "nodejs" },
        envVars: { PULUMI_BACKEND_URL: `file://${scratch}`, PULUMI_CONFIG_PASSPHRASE: "drift-policy-mirror" },
      },
    );
    const events: EngineEvent[] = [];
    try {
      await stack.preview({
        policyPacks: options.policyPacks,
        ...(options.policyPackConfigs ? { policyPackConfigs: options.policyPackConfigs } : {}),
        onEvent: (e) => events.push(e),
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      });
    } catch (error) {
      // A mandatory violation fails the preview; its events still say which.
      if (violationsFromEvents(events).length === 0) throw error;
    }
    return violationsFromEvents(events);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
