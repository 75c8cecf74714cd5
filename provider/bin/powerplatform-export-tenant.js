#!/usr/bin/env node
// Launcher for the compiled tenant export (provider/export/cli.ts).
require("../dist/export/cli.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
