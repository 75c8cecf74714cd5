/**
 * The recorded real-service responses kept in this repository (recorded/, indexed by
 * recorded/sources.json) and the OpenAPI specs (specs/). Everything here is read from
 * the repository itself: a missing file is an error, never a reason to skip.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const CONFORMANCE_DIR = __dirname;
export const RECORDED_DIR = path.join(__dirname, "recorded");
export const SPECS_DIR = path.join(__dirname, "specs");

export interface RecordingSource {
  repo: string;
  commit: string;
  path: string;
  responder?: string;
}

export interface RecordingEntry {
  /** Body file relative to recorded/, or null for an empty body. */
  file: string | null;
  kind: "recorded" | "excerpt";
  request: { method: string; url: string };
  response: { status: number; headers: Record<string, string> };
  statusEvidence?: string;
  notes?: string;
  source: RecordingSource;
}

export interface Recording extends RecordingEntry {
  id: string;
  /** The parsed body, or undefined for an empty body. */
  body: unknown;
}

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw new Error(`conformance input missing: ${path.relative(process.cwd(), file)}`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

let index: Record<string, RecordingEntry> | undefined;

/** Every recording of the index, by id. */
export function recordingIndex(): Record<string, RecordingEntry> {
  index ??= (readJson(path.join(RECORDED_DIR, "sources.json")) as { recordings: Record<string, RecordingEntry> }).recordings;
  return index;
}

/** One recording with its body (a fresh copy: tests may change it). */
export function recording(id: string): Recording {
  const entry = recordingIndex()[id];
  if (!entry) throw new Error(`no recording "${id}" in recorded/sources.json`);
  const body = entry.file === null ? undefined : readJson(path.join(RECORDED_DIR, entry.file));
  return { id, ...entry, body };
}

/** The body of a recording (throws when the recording has an empty body). */
export function recordedBody<T = any>(id: string): T {
  const r = recording(id);
  if (r.body === undefined) throw new Error(`recording "${id}" has an empty body`);
  return r.body as T;
}

/** Every .json body file under recorded/ (sources.json excluded), relative paths. */
export function recordedFiles(dir = RECORDED_DIR, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory()
        ? recordedFiles(path.join(dir, d.name), `${prefix}${d.name}/`)
        : d.name.endsWith(".json") && !(prefix === "" && d.name === "sources.json")
          ? [`${prefix}${d.name}`]
          : [],
    )
    .sort();
}

/** Reads one of the two OpenAPI specs kept in specs/. */
export function specText(name: "power-platform-api.openapi.json" | "power-automate-management-api.openapi.yaml"): string {
  const file = path.join(SPECS_DIR, name);
  if (!fs.existsSync(file)) throw new Error(`conformance input missing: ${path.relative(process.cwd(), file)}`);
  return fs.readFileSync(file, "utf8");
}
