/**
 * The recordings and the specs are in the repository (nothing read from beside the clone), and every recorded
 * body is indexed in recorded/sources.json with where it came from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { RECORDED_DIR, recordedFiles, recording, recordingIndex, specText } from "./recordings";

describe("recorded responses and their provenance", () => {
  const index = recordingIndex();

  test("every body file is indexed, and every indexed file exists and is JSON", () => {
    const indexed = [...new Set(Object.values(index).flatMap((e) => (e.file ? [e.file] : [])))].sort();
    expect(recordedFiles()).toEqual(indexed);
    for (const id of Object.keys(index)) expect(() => recording(id)).not.toThrow();
  });

  test.each(Object.entries(index))("%s names its source, request, status", (_id, e) => {
    expect(e.source.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(e.source.path.length).toBeGreaterThan(0);
    expect(e.source.commit.length).toBeGreaterThan(0);
    expect(["recorded", "excerpt"]).toContain(e.kind);
    expect(["GET", "POST", "PUT", "PATCH", "DELETE"]).toContain(e.request.method);
    expect(new URL(e.request.url).protocol).toBe("https:");
    expect(e.response.status).toBeGreaterThanOrEqual(200);
    expect(e.response.status).toBeLessThan(600);
    // An empty body is recorded as such (file null), never as an empty file.
    if (e.file) expect(fs.statSync(path.join(RECORDED_DIR, e.file)).size).toBeGreaterThan(2);
  });

  test("the two OpenAPI specs are in the repository", () => {
    expect(JSON.parse(specText("power-platform-api.openapi.json")).paths).toBeDefined();
    expect(specText("power-automate-management-api.openapi.yaml")).toContain("paths:");
  });
});
