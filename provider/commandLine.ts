/**
 * The command line every command of this package shares (powerplatform-drift,
 * powerplatform-recover, powerplatform-export-tenant): strict parsing, `--help`, and a
 * required `--stack` (or `PULUMI_STACK`). Each command adds its own options.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;
const common = {
  stack: { type: "string", short: "s" },
  help: { type: "boolean", short: "h" },
} as const;

type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O & typeof common; strict: true }>>["values"];

/** The parsed values and the stack, or the exit code when the command must stop (help shown, or a usage error). */
export type CommandLine<O extends Options> = { values: Values<O>; stack: string } | { exit: number };

/**
 * Parses `argv` with the command's `options` plus `--stack` and `--help`. A usage error is
 * written to stderr with `usage` and answered with `codes.usageError`; `--help` prints
 * `usage` and answers `codes.help`.
 */
export function parseCommandLine<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  codes: { help: number; usageError: number },
): CommandLine<O> {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, ...common } as O & typeof common, strict: true }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return { exit: codes.usageError };
  }
  const given = values as { help?: boolean; stack?: string };
  if (given.help) {
    process.stdout.write(`${usage}\n`);
    return { exit: codes.help };
  }
  const stack = given.stack ?? process.env.PULUMI_STACK;
  if (!stack) {
    process.stderr.write(`--stack is required (or set PULUMI_STACK)\n${usage}\n`);
    return { exit: codes.usageError };
  }
  return { values, stack };
}
