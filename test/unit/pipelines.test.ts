/**
 * The pipeline files users copy must parse, and every project command they run must
 * exist: npm scripts, the drift command and its flags, the policy pack directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { main as driftMain } from "../../provider/drift/cli";

const root = path.resolve(__dirname, "..", "..");
const dir = path.join(root, "examples", "pipelines");
const files = ["github/pull-request.yml", "github/main.yml", "github/drift.yml", "github/matrix.yml", "azure-devops/azure-pipelines.yml"];
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts);
const bins = Object.keys(JSON.parse(fs.readFileSync(path.join(root, "provider", "package.json"), "utf8")).bin);

/** Every shell line a pipeline runs. */
function commandsOf(doc: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if ((key === "run" || key === "script" || key === "inlineScript") && typeof value === "string") lines.push(...value.replace(/\\\n/g, " ").split("\n"));
        else visit(value);
      }
    }
  };
  visit(doc);
  return lines.map((l) => l.trim()).filter(Boolean);
}

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Every GitHub step (none in Azure DevOps files). */
function actionSteps(doc: Record<string, unknown>): Step[] {
  const jobs = (doc.jobs ?? {}) as Record<string, unknown>;
  return Array.isArray(jobs) ? [] : Object.values(jobs).flatMap((j) => ((j as Job).steps ?? []) as Step[]);
}

describe.each(files)("pipeline %s", (file) => {
  const doc = parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
  const commands = commandsOf(doc);

  test("parses and runs commands", () => {
    expect(commands.length).toBeGreaterThan(0);
  });

  test("every `npm run` names a script of the project", () => {
    for (const line of commands) {
      for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toContain(script);
    }
  });

  test("every drift command (npx or npm run drift) is a bin of the package, with flags it accepts", async () => {
    for (const line of commands.filter((l) => l.includes("npx ") || l.includes("npm run drift"))) {
      const npx = /npx ([\w-]+)(.*)/.exec(line);
      if (npx) expect(bins).toContain(npx[1]);
      const rest = npx ? npx[2] : /npm run drift --(.*)/.exec(line)![1];
      const flags = [...rest.matchAll(/(--[\w-]+)(?:\s+("[^"]*"|[^\s\\-][^\s\\]*))?/g)].flatMap(([, flag, value]) => (value ? [flag, value] : [flag]));
      expect(flags).toContain("--stack");
      expect(await driftMain([...flags, "--help"])).toBe(0);
    }
  });

  test("the policy pack it names exists", () => {
    const packs = [
      ...commands.filter((l) => l.includes("--policy-pack")).map((l) => /--policy-pack\s+(\S+)/.exec(l)![1]),
      ...actionSteps(doc).flatMap((s) => (s.with?.policyPacks ? [String(s.with.policyPacks)] : [])),
    ];
    expect(packs.length).toBeGreaterThan(0);
    for (const pack of packs) expect(fs.existsSync(path.join(root, pack, "PulumiPolicy.yaml"))).toBe(true);
  });
});


describe("GitHub workflows", () => {
  const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
  const workflow = (file: string) => parse(read(file)) as Workflow;
  const github = files.filter((f) => f.startsWith("github/"));

  test("authenticate with the runner's OIDC token only: no token file, no stored credential", () => {
    for (const file of github) {
      expect(read(file)).not.toMatch(/AZURE_FEDERATED_TOKEN_FILE|AZURE_CLIENT_SECRET|oidc-token/);
    }
  });

  test("every action is pinned to a full commit SHA with its release in a comment", () => {
    for (const file of github) {
      const uses = [...read(file).matchAll(/uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, comment] of uses) {
        expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(comment).toMatch(/^\s+# v\d+\.\d+\.\d+/);
      }
    }
  });

  test("least privilege: nothing at the top, each job names exactly what it uses", () => {
    const expected: Record<string, Record<string, Record<string, string>>> = {
      "github/pull-request.yml": { preview: { contents: "read", "id-token": "write", "pull-requests": "write" } },
      "github/main.yml": { apply: { contents: "read", "id-token": "write" } },
      "github/drift.yml": { drift: { contents: "read", "id-token": "write" }, issue: { issues: "write" } },
      "github/matrix.yml": { billing: { contents: "read", "id-token": "write" }, environments: { contents: "read", "id-token": "write" } },
    };
    for (const file of github) {
      const doc = workflow(file);
      expect(doc.permissions).toEqual({});
      expect(Object.fromEntries(Object.entries(doc.jobs).map(([name, job]) => [name, job.permissions]))).toEqual(expected[file]);
    }
  });

  test("the pull-request plan is made with refresh and posted with pulumi/actions' comment and summary", () => {
    const steps = workflow("github/pull-request.yml").jobs.preview!.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(steps).toHaveLength(1);
    expect(steps[0]!.with).toMatchObject({ command: "preview", refresh: true, "comment-on-pr": true, "comment-on-summary": true, policyPacks: "policies" });
  });

  test("the apply runs only on main, behind the production environment, with the same refresh and policy pack", () => {
    const doc = workflow("github/main.yml");
    expect(doc.on.push).toMatchObject({ branches: ["main"] });
    const apply = doc.jobs.apply!;
    expect(apply.if).toBe("github.ref == 'refs/heads/main'");
    expect(apply.environment).toBe("production");
    const up = apply.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up");
    expect(up?.with).toMatchObject({ command: "up", refresh: true, policyPacks: "policies" });
    // An interrupted run is recovered before the apply (README "When a pulumi up is interrupted").
    const recoverAt = apply.steps.findIndex((s) => typeof s.run === "string" && /pulumi cancel --yes[\s\S]*powerplatform-recover/.test(s.run));
    expect(recoverAt).toBeGreaterThan(-1);
    expect(recoverAt).toBeLessThan(apply.steps.indexOf(up!));
    // the only apply of all the workflows (but the split tenant's matrix, an alternative to it: below)
    for (const file of github.filter((f) => f !== "github/main.yml" && f !== "github/matrix.yml")) {
      expect(actionSteps(workflow(file) as unknown as Record<string, unknown>).some((s) => s.with?.command === "up")).toBe(false);
      expect(read(file)).not.toMatch(/\bup\b.*--yes/);
    }
  });

  test("the split tenant's matrix applies the shared billing stack first, then each environment stack, all on main behind production", () => {
    const doc = workflow("github/matrix.yml");
    expect(doc.on.push).toMatchObject({ branches: ["main"] });
    const billing = doc.jobs.billing! as Job & { concurrency?: unknown };
    const environments = doc.jobs.environments! as Job & { needs?: string; strategy?: { matrix?: { stack?: string[] } }; concurrency?: unknown };
    expect(billing.if).toBe("github.ref == 'refs/heads/main'");
    expect(environments.needs).toBe("billing");
    expect(environments.strategy?.matrix?.stack).toEqual(["sales", "support"]);
    for (const job of [billing, environments]) {
      expect(job.environment).toBe("production");
      expect(job.concurrency).toMatchObject({ "cancel-in-progress": false });
      const up = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up");
      expect(up?.with).toMatchObject({ command: "up", refresh: true, policyPacks: "policies" });
      // An interrupted run of that stack is recovered before its apply.
      const recoverAt = job.steps.findIndex((s) => typeof s.run === "string" && /pulumi cancel --yes[\s\S]*powerplatform-recover/.test(s.run));
      expect(recoverAt).toBeGreaterThan(-1);
      expect(recoverAt).toBeLessThan(job.steps.indexOf(up!));
    }
    const upOf = (job: typeof billing) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up");
    expect(upOf(billing)?.with?.["stack-name"]).toBe("billing");
    expect(upOf(environments)?.with?.["stack-name"]).toBe("${{ matrix.stack }}");
    // the stacks it names have their config and tenant file in examples/team-state
    for (const stack of ["billing", ...environments.strategy!.matrix!.stack!]) {
      expect(fs.existsSync(path.join(root, "examples", "team-state", `Pulumi.${stack}.yaml`))).toBe(true);
      expect(fs.existsSync(path.join(root, "examples", "team-state", "tenants", `${stack}.yaml`))).toBe(true);
    }
  });

  test("the drift job writes Markdown and JSON, and one issue is opened or updated on drift and closed without it", () => {
    const doc = workflow("github/drift.yml");
    const drift = doc.jobs.drift!.steps.find((s) => s.run?.includes("npm run drift"))!;
    expect(drift.run).toMatch(/--markdown-file drift\.md/);
    expect(drift.run).toMatch(/--json-file drift\.json/);
    const issue = doc.jobs.issue!.steps.map((s) => s.run ?? "").join("\n");
    expect(issue).toMatch(/gh issue list --label tenant-drift --state open/);
    expect(issue).toMatch(/2\)[\s\S]*gh issue edit "\$number"[\s\S]*gh issue create[\s\S]*;;/);
    expect(issue).toMatch(/0\)[\s\S]*gh issue close "\$number"/);
    // the report reaches the script through env:, never spliced into it
    expect(issue).not.toContain("${{");
  });
});

describe("Azure DevOps pipeline", () => {
  const text = fs.readFileSync(path.join(dir, "azure-devops/azure-pipelines.yml"), "utf8");
  interface AdoStep {
    task?: string;
    inputs?: Record<string, string>;
    env?: Record<string, string>;
    script?: string;
    publish?: string;
  }
  interface AdoJob {
    job?: string;
    deployment?: string;
    environment?: string;
    steps?: AdoStep[];
    strategy?: { runOnce: { deploy: { steps: AdoStep[] } } };
  }
  const doc = parse(text) as { pr: unknown; stages: { stage: string; condition?: string; jobs: AdoJob[] }[] };
  const stage = (name: string) => doc.stages.find((s) => s.stage === name)!;
  const stepsOf = (job: AdoJob) => job.steps ?? job.strategy?.runOnce.deploy.steps ?? [];
  const scripts = (name: string) => stage(name).jobs.flatMap(stepsOf).map((s) => s.inputs?.inlineScript ?? s.script ?? "");

  test("pull requests come from a branch policy: no pr trigger", () => {
    expect(doc.pr).toBe("none");
  });

  test("plan and apply both refresh first and run the policy pack", () => {
    for (const line of commandsOf(doc as unknown as Record<string, unknown>).filter((l) => /pulumi -- (preview|up)/.test(l))) {
      expect(line).toContain("--refresh");
      expect(line).toContain("--policy-pack policies");
    }
  });

  test("apply only from main, in a deployment job of an environment (its approval gates the run)", () => {
    const apply = stage("Apply");
    expect(apply.condition).toContain("eq(variables['Build.SourceBranch'], 'refs/heads/main')");
    expect(apply.condition).not.toContain("PullRequest");
    expect(apply.jobs).toHaveLength(1);
    expect(apply.jobs[0]).toMatchObject({ deployment: "apply", environment: "powerplatform-prod" });
    // `up` nowhere else
    for (const other of ["Plan", "Drift"]) expect(scripts(other).join("\n")).not.toMatch(/pulumi -- up/);
    expect(scripts("Apply").join("\n")).toMatch(/pulumi -- up/);
  });

  test("drift runs on the schedule only and publishes Markdown and JSON", () => {
    const drift = stage("Drift");
    expect(drift.condition).toBe("eq(variables['Build.Reason'], 'Schedule')");
    expect(stage("Plan").condition).toBe("ne(variables['Build.Reason'], 'Schedule')");
    const script = scripts("Drift").join("\n");
    expect(script).toMatch(/--markdown-file \S*drift\.md/);
    expect(script).toMatch(/--json-file \S*drift\.json/);
    expect(drift.jobs.flatMap(stepsOf).some((s) => s.publish?.includes("drift"))).toBe(true);
  });

  test("secrets reach a step only through its env:", () => {
    const secrets = ["$(PULUMI_CONFIG_PASSPHRASE)", "$(System.AccessToken)"];
    const places: string[] = [];
    const visit = (node: unknown, at: string[]) => {
      if (typeof node === "string") {
        if (secrets.some((s) => node.includes(s))) places.push(at.join("."));
      } else if (Array.isArray(node)) node.forEach((n, i) => visit(n, [...at, String(i)]));
      else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) visit(v, [...at, k]);
    };
    visit(doc, []);
    expect(places.length).toBeGreaterThan(0);
    for (const place of places) expect(place).toMatch(/\.env\.(PULUMI_CONFIG_PASSPHRASE|SYSTEM_ACCESSTOKEN)$/);
    // and every step that talks to the tenant gets System.AccessToken for AzurePipelinesCredential
    for (const step of doc.stages.flatMap((s) => s.jobs.flatMap(stepsOf)).filter((s) => s.task === "AzureCLI@2")) {
      expect(step.env?.SYSTEM_ACCESSTOKEN).toBe("$(System.AccessToken)");
      expect(step.inputs).not.toHaveProperty("addSpnToEnvironment");
    }
  });
});
