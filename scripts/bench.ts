/**
 * `npm run bench`: wall time, API calls, the critical-path floor, peak memory and state
 * size of the provider's work on the real engine against the emulator, by scenario.
 *
 *   npm run bench -- [--scenario NAME] [--latency 0,100] [--operation-ms 5000]
 *                    [--resources N] [--calls-per-minute N] [--json .bench/results.json]
 *
 * Scenarios (scripts/bench/<file>.ts):
 *   sample      the sample tenant (tenants/demo.yaml) at each --latency (default 0,100)
 *   mixed200    200 mixed resources, 50 ms per response, 5 s operations: up / no-op preview / refresh / destroy
 *   flows1000   1,000 FlowState over 5 environments: up / refresh / drift / no-op preview
 *   billing1    1 billing policy: create / no-op / destroy
 *   billing10   10 billing policies: create / no-op / destroy
 *   throttled   `up` under the emulator's rate limit (scripts/bench/throttled.ts)
 *
 * API calls come from the emulator's request log (token requests counted apart); the
 * floor is the longest chain of sequential API calls × latency + operation durations of
 * the resource graph (scripts/bench/floor.ts, per-kind minimums in apiMinimum.ts). Numbers,
 * not assertions: the tests hold the per-operation call counts; this measures how they
 * add up in time.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { BenchRow } from "./bench/phases";
import { markdownTable, writeJson } from "./bench/report";
import type { ScenarioOptions } from "./bench/scenario";
import { billing } from "./bench/billing";
import { flows1000 } from "./bench/flows1000";
import { mixed200 } from "./bench/mixed200";
import { sample } from "./bench/sample";

type Rows = BenchRow[] | Array<Record<string, unknown>>;

const scenarios: Record<string, (options: ScenarioOptions) => Promise<Rows>> = {
  sample,
  mixed200,
  flows1000,
  billing1: billing(1),
  billing10: billing(10),
  // Written by another change (issue 9, rate limiter): loaded by path so that this
  // runner builds without it, and says so when it is missing.
  throttled: async (o) => {
    const file = path.join(__dirname, "bench", "throttled");
    let module: { runThrottled?: (options: { resources: number; callsPerMinute: number }) => Promise<Array<Record<string, unknown>>> };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require(file) as typeof module;
    } catch (error) {
      throw new Error(`scenario throttled needs scripts/bench/throttled.ts (runThrottled), which this checkout does not have: ${(error as Error).message}`);
    }
    if (typeof module.runThrottled !== "function") throw new Error("scripts/bench/throttled.ts does not export runThrottled");
    return module.runThrottled({ resources: o.resources ?? 100, callsPerMinute: o.callsPerMinute ?? 100 });
  },
};

const numberList = (text: string, option: string): number[] => {
  const values = text.split(",").map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`--${option} takes non-negative numbers, e.g. 0,100 (got "${text}")`);
  return values;
};

const positiveInteger = (text: string | undefined, option: string): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${option} takes a positive integer (got "${text}")`);
  return value;
};

const isBenchRow = (row: Record<string, unknown>): boolean => typeof row.seconds === "number" && typeof row.phase === "string" && "floorSeconds" in row;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "sample" },
      latency: { type: "string" },
      "operation-ms": { type: "string" },
      resources: { type: "string" },
      "calls-per-minute": { type: "string" },
      json: { type: "string" },
    },
    strict: true,
  });
  const run = scenarios[values.scenario!];
  if (!run) throw new Error(`unknown scenario "${values.scenario}"; known: ${Object.keys(scenarios).join(", ")}`);
  const operationMs = values["operation-ms"] === undefined ? undefined : numberList(values["operation-ms"], "operation-ms");
  if (operationMs && operationMs.length !== 1) throw new Error("--operation-ms takes one number of milliseconds");
  const rows = await run({
    latencies: values.latency === undefined ? undefined : numberList(values.latency, "latency"),
    operationMs: operationMs?.[0],
    resources: positiveInteger(values.resources, "resources"),
    callsPerMinute: positiveInteger(values["calls-per-minute"], "calls-per-minute"),
  });
  const records = rows as Array<Record<string, unknown>>;
  if (records.every(isBenchRow)) process.stdout.write(markdownTable(rows as BenchRow[]));
  else for (const row of records) process.stdout.write(JSON.stringify(row) + "\n");
  if (values.json) writeJson(values.json, rows);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
