/**
 * The rows of `npm run bench` as a Markdown table (stdout) and as JSON (`--json FILE`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BenchRow } from "./phases";

const methods = (byMethod: Record<string, number>) =>
  Object.entries(byMethod)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, n]) => `${m} ${n}`)
    .join(", ");

const kib = (bytes: number | null) => (bytes === null ? "—" : `${(bytes / 1024).toFixed(2)} KiB`);

/** State per resource as stored (compact checkpoint), with one resource's own entry and the indented export beside it. */
const stateCell = (r: BenchRow) =>
  r.stateBytesPerResource === null ? "—" : `${kib(r.stateBytesPerResource)} (entry ${kib(r.resourceEntryBytes)}, export ${kib(r.exportBytesPerResource)})`;

/** The rows as a Markdown table, one line per phase. */
export function markdownTable(rows: BenchRow[]): string {
  const lines = [
    "| scenario | resources | latency / operations | phase | wall time | API calls | floor | wall / floor | peak memory | state / resource | load (cores) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.resources} | ${r.latencyMs} ms / ${(r.operationMs / 1000).toFixed(1)} s | ${r.phase} | ${r.seconds.toFixed(1)} s | ` +
        `${r.apiCalls}${r.apiCalls ? ` (${methods(r.byMethod)})` : ""} | ` +
        `${r.floorSeconds === null ? "—" : `${r.floorSeconds.toFixed(2)} s`} | ${r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`} | ` +
        `${r.peakMemoryMiB === null ? "—" : `${r.peakMemoryMiB.toFixed(0)} MiB`} | ` +
        `${stateCell(r)} | ` +
        `${r.loadAverage.toFixed(1)} (${r.cores}) |`,
    ),
  ];
  return lines.join("\n") + "\n";
}

/** Writes the rows as JSON to `file` (directories created). */
export function writeJson(file: string, rows: BenchRow[] | Array<Record<string, unknown>>): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(rows, null, 2) + "\n");
}
