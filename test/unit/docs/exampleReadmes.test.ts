/**
 * Each example (examples/<name>/ with a Pulumi.yaml) has a README.md that lists every stack
 * configuration key its program reads (required ones marked **yes**) and a shell block that
 * runs it against the emulator, setting every required key. The blocks themselves are run by
 * test/e2e/exampleReadmes.e2e.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const examplesDir = path.resolve(__dirname, "..", "..", "..", "examples");
const examples = fs
  .readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, "Pulumi.yaml")))
  .sort();

/** The config keys a program reads, and whether it requires them (`config.require*`). */
function configKeys(program: string): Map<string, boolean> {
  const keys = new Map<string, boolean>();
  for (const m of program.matchAll(/\bconfig\.(get|require)\w*(?:<[^>]*>)?\(\s*"([^"]+)"/g)) {
    keys.set(m[2], (keys.get(m[2]) ?? false) || m[1] === "require");
  }
  return keys;
}

/** The README's configuration table: key → its "required" cell. */
function configTable(readme: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of readme.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)) rows.set(m[1], m[2].trim());
  return rows;
}

/** The README's first ```sh block. */
function shellBlock(readme: string): string {
  const m = /```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("no ```sh block");
  return m[1];
}

describe("example READMEs", () => {
  test("the examples are found", () => {
    expect(examples).toEqual(expect.arrayContaining(["billing-policy", "environment", "flow-owners"]));
    expect(configKeys('config.require("a"); config.get<"x">("b"); config.getNumber("c") ?? 1; config.requireObject<T[]>("d")')).toEqual(
      new Map([["a", true], ["b", false], ["c", false], ["d", true]]),
    );
  });

  describe.each(examples)("%s", (name) => {
    const readmePath = path.join(examplesDir, name, "README.md");
    const readme = () => fs.readFileSync(readmePath, "utf8");
    const keys = configKeys(fs.readFileSync(path.join(examplesDir, name, "index.ts"), "utf8"));

    test("has a README.md", () => {
      expect(fs.existsSync(readmePath)).toBe(true);
    });

    test("lists exactly the config keys the program reads, required ones marked", () => {
      const table = configTable(readme());
      expect([...table.keys()].sort()).toEqual([...keys.keys()].sort());
      for (const [key, required] of keys) expect({ key, required: table.get(key)!.startsWith("**yes**") }).toEqual({ key, required });
    });

    test("its shell block starts the emulator, selects a stack, sets every required key, runs up and stops the emulator", () => {
      const lines = shellBlock(readme())
        .trimEnd()
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, ""));
      expect(lines[0]).toMatch(/^npm run emulator -- .*--env-file \.env\.emulator .*--detach$/);
      expect(lines[1]).toBe("set -a; . ./.env.emulator; set +a");
      expect(lines).toContain(`npm run pulumi -- stack select --create dev --cwd examples/${name}`);
      expect(lines).toContain(`npm run pulumi -- up --yes --cwd examples/${name}`);
      expect(lines[lines.length - 1]).toBe('kill "$(cat .emulator.pid)"');
      const set = lines.map((line) => /^npm run pulumi -- config set (\S+) \S+ --cwd examples\/(\S+)$/.exec(line)).filter((m) => m !== null);
      for (const m of set) expect(m[2]).toBe(name);
      const setKeys = new Set(set.map((m) => m[1]));
      const requiredKeys = [...keys].filter(([, required]) => required).map(([key]) => key);
      // flow-owners: teamGroupId is required only while `owners` is not set.
      expect(requiredKeys.filter((key) => !setKeys.has(key))).toEqual([]);
    });
  });
});


// The README's quickstart block is examples/quickstart.sh, which test/e2e/readmeQuickstart runs as written.
test("the README shows the quickstart block the end-to-end test runs, verbatim", () => {
  const block = fs.readFileSync(path.join(examplesDir, "quickstart.sh"), "utf8");
  expect(fs.readFileSync(path.join(examplesDir, "..", "README.md"), "utf8")).toContain("```sh\n" + block + "```");
});
