#!/usr/bin/env node
/**
 * powerplatform-drift: reports what changed in the tenant since the last `pulumi up`.
 *
 *   powerplatform-drift --stack prod [--cwd DIR] [--format text|markdown|json]
 *                       [--policy-pack DIR [--policy-pack-config FILE]]
 *                       [--markdown-file FILE] [--json-file FILE]
 *
 * Exit codes: 0 no drift, 2 drift found, 1 could not check.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCommandLine } from "../commandLine";
import { detectDrift } from "./detect";
import { exitCodes, hasDrift, renderJson, renderMarkdown, renderText } from "./report";

const usage = `usage: powerplatform-drift --stack NAME [--cwd DIR] [--format text|markdown|json]
                           [--policy-pack DIR] [--policy-pack-config FILE]
                           [--markdown-file FILE] [--json-file FILE] [--verbose]
exit codes: 0 no drift, 2 drift found, 1 could not check`;

export async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(
    argv,
    {
      cwd: { type: "string", default: process.cwd() },
      format: { type: "string", default: "text" },
      "policy-pack": { type: "string", multiple: true },
      "policy-pack-config": { type: "string", multiple: true },
      "markdown-file": { type: "string" },
      "json-file": { type: "string" },
      verbose: { type: "boolean", default: false },
    },
    usage,
    { help: exitCodes.noDrift, usageError: exitCodes.couldNotCheck },
  );
  if ("exit" in line) return line.exit;
  const { values, stack } = line;
  const renderers = { text: renderText, markdown: renderMarkdown, json: renderJson } as const;
  const render = renderers[values.format as keyof typeof renderers];
  if (!render) {
    process.stderr.write(`--format must be one of text, markdown, json (got ${values.format})\n`);
    return exitCodes.couldNotCheck;
  }
  try {
    const report = await detectDrift({
      workDir: path.resolve(values.cwd!),
      stack,
      policyPacks: values["policy-pack"]?.map((p) => path.resolve(p)),
      policyPackConfigs: values["policy-pack-config"]?.map((p) => path.resolve(p)),
      ...(values.verbose ? { onOutput: (line: string) => process.stderr.write(line) } : {}),
    });
    process.stdout.write(render(report));
    if (values["markdown-file"]) fs.writeFileSync(values["markdown-file"], renderMarkdown(report));
    if (values["json-file"]) fs.writeFileSync(values["json-file"], renderJson(report));
    return hasDrift(report) ? exitCodes.driftFound : exitCodes.noDrift;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`could not check for drift: ${message.trim().split("\n").slice(-20).join("\n")}\n`);
    return exitCodes.couldNotCheck;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
