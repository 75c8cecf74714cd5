#!/usr/bin/env node
// Packing @powerplatform-iac/tenant (program/): copies the tenant schema (schema/, at the
// repository root, where the editors of this repository find it) into program/schema/,
// where the compiled program (program/dist/tenantFile.js) looks for it: ../schema.
const fs = require("node:fs");
const path = require("node:path");

const source = path.join(__dirname, "..", "schema", "tenant.schema.json");
const target = path.join(__dirname, "..", "program", "schema", "tenant.schema.json");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
