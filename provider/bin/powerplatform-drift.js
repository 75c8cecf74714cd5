#!/usr/bin/env node
// Launcher for the compiled drift command (provider/drift/cli.ts).
require("../dist/drift/cli.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
