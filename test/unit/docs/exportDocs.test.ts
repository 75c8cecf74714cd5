/**
 * Every export of the provider package has a JSDoc comment: the text an editor shows on
 * hover and the generated API reference (docs/api/) prints. The entry points are those of
 * provider/package.json's `exports`; re-exports are followed to their declaration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const providerDir = path.resolve(__dirname, "..", "..", "..", "provider");

/** provider/package.json's JavaScript entry points, as their TypeScript sources (e.g. `client/index.ts`). */
function entryPoints(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(providerDir, "package.json"), "utf8")) as {
    exports: Record<string, string | { types?: string; default?: string; require?: string }>;
  };
  return Object.values(pkg.exports)
    .map((target) => (typeof target === "string" ? target : (target.default ?? target.require ?? "")))
    .filter((target) => target.endsWith(".js"))
    .map((target) => target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
}

/** The exports of each entry file without documentation, as `name (declaring file)`. */
function undocumentedExports(program: ts.Program, entryFiles: string[]): Record<string, string[]> {
  const checker = program.getTypeChecker();
  const result: Record<string, string[]> = {};
  for (const file of entryFiles) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not part of the program`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file} is not a module`);
    result[path.basename(path.dirname(file)) + "/" + path.basename(file)] = checker
      .getExportsOfModule(moduleSymbol)
      .filter((exported) => {
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "";
      })
      .map((exported) => {
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const declaredIn = target.declarations?.[0]?.getSourceFile().fileName ?? "?";
        return `${exported.name} (${path.relative(providerDir, declaredIn)})`;
      });
  }
  return result;
}

/**
 * The properties and methods of the classes and interfaces an entry file exports that lack
 * documentation, as `Export.member`: what an editor shows on hover over `environment.location`.
 * Private members and Pulumi's `__` internals are not part of the API.
 */
function undocumentedMembers(program: ts.Program, entryFile: string): string[] {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entryFile)!)!;
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(target.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) || !target.members) continue;
    target.members.forEach((member) => {
      if (!(member.flags & (ts.SymbolFlags.Property | ts.SymbolFlags.Method)) || member.name.startsWith("__")) return;
      const declaration = member.valueDeclaration ?? member.declarations?.[0];
      if (declaration && ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) return;
      if (ts.displayPartsToString(member.getDocumentationComment(checker)).trim() === "") missing.push(`${exported.name}.${member.name}`);
    });
  }
  return missing;
}

function providerProgram(): ts.Program {
  const configPath = path.join(providerDir, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, providerDir);
  return ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true, incremental: false });
}

describe("JSDoc on every export of the provider package", () => {
  test("the entry points are those of package.json", () => {
    expect(entryPoints()).toEqual(expect.arrayContaining(["index.ts", "runtime.ts", "client/index.ts", "drift/report.ts"]));
  });

  test("the check finds an undocumented export, also behind a re-export", () => {
    const files: Record<string, string> = {
      "/virtual/a.ts": "/** Documented. */\nexport const documented = 1;\nexport const bare = 2;\n",
      "/virtual/index.ts": 'export { documented, bare } from "./a";\n/** Also documented. */\nexport function f(): void {}\nexport interface Naked { x: number }\n',
    };
    const host = ts.createCompilerHost({});
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) => (files[name] !== undefined ? ts.createSourceFile(name, files[name], version) : getSourceFile(name, version));
    host.fileExists = (name) => files[name] !== undefined || ts.sys.fileExists(name);
    host.readFile = (name) => files[name] ?? ts.sys.readFile(name);
    host.directoryExists = (dir) => dir === "/virtual" || ts.sys.directoryExists(dir);
    const program = ts.createProgram(Object.keys(files), { noEmit: true }, host);
    const relative = (file: string) => path.relative(providerDir, file);
    expect(undocumentedExports(program, ["/virtual/index.ts"])).toEqual({
      "virtual/index.ts": [`bare (${relative("/virtual/a.ts")})`, `Naked (${relative("/virtual/index.ts")})`],
    });
  });

  test("the member check finds an undocumented property", () => {
    const file = "/virtual/members.ts";
    const text = "/** A. */\nexport interface A {\n  /** Documented. */\n  x: number;\n  y: string;\n}\n/** C. */\nexport class C {\n  private hidden = 1;\n  /** Documented. */\n  m(): void {}\n  n(): void {}\n}\n";
    const host = ts.createCompilerHost({});
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) => (name === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version));
    host.fileExists = (name) => name === file || ts.sys.fileExists(name);
    host.readFile = (name) => (name === file ? text : ts.sys.readFile(name));
    expect(undocumentedMembers(ts.createProgram([file], { noEmit: true }, host), file)).toEqual(["A.y", "C.n"]);
  });

  test("no export of any entry point lacks documentation", () => {
    const program = providerProgram();
    const found = undocumentedExports(program, entryPoints().map((entry) => path.join(providerDir, entry)));
    expect(Object.keys(found).length).toBe(entryPoints().length);
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((entry) => [entry, []])));
  });

  // The client's wire types (client/api/types.ts) mirror the services' JSON field by field;
  // their members are documented where a field needs explaining, not one by one.
  test.each(["index.ts", "runtime.ts", "drift/report.ts"])("every member of the classes and interfaces %s exports is documented", (entry) => {
    expect(undocumentedMembers(providerProgram(), path.join(providerDir, entry))).toEqual([]);
  });
});
