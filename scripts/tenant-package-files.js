#!/usr/bin/env node
// The generated files of the package @powerplatform-iac/tenant (program/).
//
//   prepare: copies the tenant schema (schema/, at the repository root, where this
//            repository's editors find it) into program/schema/, where the compiled
//            program (program/dist/tenantFile.js) looks for it: ../schema.
//   clean:   removes program/dist/ and program/schema/ once the tarball is made. A stale
//            program/dist/ is a hazard: Pulumi, pointed at the directory program/ instead of
//            program/index.ts, would run the entry point program/package.json exports (the
//            library, which declares nothing) instead of the stack program.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const packageDir = path.join(root, "program");

switch (process.argv[2]) {
  case "prepare": {
    const target = path.join(packageDir, "schema", "tenant.schema.json");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, "schema", "tenant.schema.json"), target);
    break;
  }
  case "clean":
    fs.rmSync(path.join(packageDir, "dist"), { recursive: true, force: true });
    fs.rmSync(path.join(packageDir, "schema"), { recursive: true, force: true });
    break;
  default:
    console.error("usage: node scripts/tenant-package-files.js prepare|clean");
    process.exitCode = 2;
}
