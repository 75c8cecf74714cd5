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
const files = ["github/pull-request.yml", "github/main.yml", "github/drift.yml", "azure-devops/azure-pipelines.yml"];
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

  test("every npx command is a bin of the package, with flags it accepts", async () => {
    for (const line of commands.filter((l) => l.includes("npx "))) {
      const [, bin, rest] = /npx ([\w-]+)(.*)/.exec(line)!;
      expect(bins).toContain(bin);
      const flags = [...rest.matchAll(/(--[\w-]+)(?:\s+("[^"]*"|[^\s\\-][^\s\\]*))?/g)].flatMap(([, flag, value]) => (value ? [flag, value] : [flag]));
      expect(await driftMain([...flags, "--help"])).toBe(0);
    }
  });

  test("the policy pack it names exists", () => {
    for (const line of commands.filter((l) => l.includes("--policy-pack"))) {
      const [, pack] = /--policy-pack\s+(\S+)/.exec(line)!;
      expect(fs.existsSync(path.join(root, pack, "PulumiPolicy.yaml"))).toBe(true);
    }
  });
});

test("GitHub workflows authenticate with workload identity federation, not a stored credential", () => {
  for (const file of files.filter((f) => f.startsWith("github/"))) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const doc = parse(text) as { permissions: Record<string, string> };
    expect(doc.permissions["id-token"]).toBe("write");
    expect(text).toContain("AZURE_FEDERATED_TOKEN_FILE");
    expect(text).not.toMatch(/AZURE_CLIENT_SECRET/);
  }
});
