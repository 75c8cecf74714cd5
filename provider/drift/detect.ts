/**
 * Drift detection through the Automation API: a refresh *preview* of a stack (nothing
 * is written to the state), comparing each resource's last applied outputs with what
 * the provider reads from the tenant now. Optionally the policy packs over the
 * refreshed resources, so a hand-made change that breaks a rule is reported as such.
 */
import { type EngineEvent, LocalWorkspace } from "@pulumi/pulumi/automation";
import { policyViolationsOfTenantNow, tenantNowFromEvents } from "./policyCheck";

export { violationsFromEvents } from "./policyCheck";
import { diffProperties } from "./propertyDiff";
import type { DriftReport, DriftedResource } from "./report";

export interface DetectDriftOptions {
  /** The Pulumi project directory (holds Pulumi.yaml). */
  workDir: string;
  stack: string;
  /** Policy pack directories to evaluate against the refreshed state. */
  policyPacks?: string[];
  policyPackConfigs?: string[];
  /** Progress lines from the engine (for a person watching). */
  onOutput?: (line: string) => void;
  signal?: AbortSignal;
}

const nonDriftOps = new Set(["same", "read"]);

function resourceName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Turns the engine's events of a refresh preview into drifted resources. */
export function driftFromEvents(events: EngineEvent[]): { drifted: DriftedResource[]; checked: number } {
  const drifted = new Map<string, DriftedResource>();
  const checked = new Set<string>();
  for (const event of events) {
    const step = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
    if (!step || step.type === "pulumi:pulumi:Stack" || step.type.startsWith("pulumi:providers:")) continue;
    checked.add(step.urn);
    if (nonDriftOps.has(step.op)) continue;
    const before = step.old?.outputs;
    const after = step.new?.outputs;
    const deleted = step.op === "delete" || (step.op === "refresh" && !step.new) || (step.new !== undefined && !step.new.id && !!step.old?.id);
    const properties = deleted ? [] : diffProperties(before ?? {}, after ?? {});
    if (!deleted && properties.length === 0) continue;
    drifted.set(step.urn, {
      urn: step.urn,
      type: step.type,
      name: resourceName(step.urn),
      ...(step.old?.id ? { id: step.old.id } : {}),
      change: deleted ? "deleted" : "modified",
      properties,
    });
  }
  return { drifted: [...drifted.values()], checked: checked.size };
}

export async function detectDrift(options: DetectDriftOptions): Promise<DriftReport> {
  const stack = await LocalWorkspace.selectStack({ stackName: options.stack, workDir: options.workDir });
  const settings = await stack.workspace.projectSettings();
  const onOutput = options.onOutput;

  const refreshEvents: EngineEvent[] = [];
  await stack.previewRefresh({
    onEvent: (e) => refreshEvents.push(e),
    ...(onOutput ? { onOutput } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const { drifted, checked } = driftFromEvents(refreshEvents);

  const policyViolations =
    options.policyPacks && options.policyPacks.length > 0
      ? await policyViolationsOfTenantNow({
          workDir: options.workDir,
          stack: options.stack,
          project: settings.name,
          resources: tenantNowFromEvents(refreshEvents),
          policyPacks: options.policyPacks,
          policyPackConfigs: options.policyPackConfigs,
          onOutput,
        })
      : [];

  return {
    stack: options.stack,
    project: settings.name,
    checkedAt: new Date().toISOString(),
    resourcesChecked: checked,
    drifted,
    policyViolations,
  };
}

