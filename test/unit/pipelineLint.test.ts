/**
 * The pipeline files users copy pass their platform's linter, and a broken copy
 * does not (negative controls):
 * - GitHub: actionlint (rhysd/actionlint), built once from the Go module proxy by
 *   scripts/actionlint.sh and cached under ~/.cache/powerplatform-iac/. Go is
 *   required when actionlint is not on PATH: the test fails saying so.
 * - Azure DevOps: a structural JSON schema of the YAML keys used
 *   (pipelineLint/azure-pipelines.schema.json, from Microsoft's YAML schema
 *   reference), validated with ajv.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..", "..");
const dir = path.join(root, "examples", "pipelines");
const workflows = ["github/pull-request.yml", "github/main.yml", "github/drift.yml", "github/matrix.yml"];

describe("GitHub workflows pass actionlint", () => {
  let actionlint: string;

  beforeAll(() => {
    const ensure = spawnSync("bash", [path.join(root, "scripts", "actionlint.sh"), "ensure"], { encoding: "utf8", timeout: 9 * 60_000 });
    if (ensure.status !== 0) {
      throw new Error(`scripts/actionlint.sh ensure failed (exit ${ensure.status}):\n${ensure.stderr}`);
    }
    actionlint = ensure.stdout.trim().split("\n").pop()!;
  }, 10 * 60_000);

  const lint = (files: string[]) => spawnSync(actionlint, ["-no-color", "-oneline", ...files], { encoding: "utf8" });

  test.each(workflows)("%s", (file) => {
    const result = lint([path.join(dir, file)]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("negative control: a broken copy is rejected", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pp-actionlint-"));
    const broken = path.join(tmp, "broken.yml");
    const text = fs.readFileSync(path.join(dir, "github/main.yml"), "utf8");
    expect(text).toContain("id-token: write");
    fs.writeFileSync(broken, text.replace("id-token: write", "id-token: writ").replace("runs-on: ubuntu-latest", "runs-onn: ubuntu-latest"));
    const result = lint([broken]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/"writ" is invalid/);
    expect(result.stdout).toMatch(/runs-onn/);
  });
});

describe("Azure DevOps pipeline passes the Azure Pipelines schema", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "pipelineLint", "azure-pipelines.schema.json"), "utf8")) as object;
  const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
  const text = fs.readFileSync(path.join(dir, "azure-devops/azure-pipelines.yml"), "utf8");

  test("azure-devops/azure-pipelines.yml", () => {
    const ok = validate(parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test("negative control: a broken copy is rejected", () => {
    const broken = parse(text.replace("environment: powerplatform-prod", "enviroment: powerplatform-prod").replace("task: AzureCLI@2", "task: AzureCLI"));
    expect(validate(broken)).toBe(false);
    const messages = JSON.stringify(validate.errors);
    expect(messages).toContain("enviroment");
    expect(messages).toContain("^[A-Za-z0-9_.-]+@[0-9]+$");
  });
});

test("the engine version pinned in the GitHub workflows is the project's", () => {
  const engine = execFileSync("bash", [path.join(root, "scripts", "engine.sh"), "version"], { encoding: "utf8" }).trim();
  for (const file of workflows) {
    for (const [, version] of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/pulumi-version:\s*"?([\d.]+)"?/g)) {
      expect(version).toBe(engine);
    }
  }
});
