#!/usr/bin/env node
// Launcher for the compiled recovery command (provider/recover/cli.ts).
require("../dist/recover/cli.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
