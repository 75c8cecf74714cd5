/**
 * The stack trace Pulumi records for a resource of this package: the program's frames
 * only (provider/resources/sourceFrames.ts). The e2e test deployCost.e2e.test.ts checks
 * it on the real engine; these check the rule and the scoping of the SDK hook.
 */
import * as pulumi from "@pulumi/pulumi";
import { maxProgramFrames, programFrames, programFramesOnly, type SourceFrame } from "../../../provider/resources/sourceFrames";

const at = (file: string, line = 1): SourceFrame => ({ uri: `file://${file}`, line, column: 5 });

describe("programFrames", () => {
  test("keeps the program's frames down to Node's internals (a frame without a position)", () => {
    const frames = [at("/repo/program/declareTenant.ts", 113), at("/repo/program/declareTenantFromFile.ts", 71), undefined, at("/repo/node_modules/@pulumi/pulumi/cmd/run/run.js")];
    expect(programFrames(frames)).toEqual(frames.slice(0, 2));
  });

  test("stops at the Pulumi SDK and at ts-node, which run the program", () => {
    expect(programFrames([at("/p/index.ts", 14), at("/p/node_modules/ts-node/src/index.ts"), at("/p/index.ts", 20)])).toEqual([at("/p/index.ts", 14)]);
    expect(programFrames([at("/p/index.ts", 14), at("/p/node_modules/@pulumi/runtime/stack.ts")])).toEqual([at("/p/index.ts", 14)]);
  });

  test("keeps a library's frames (the tenant library in node_modules is the program's code)", () => {
    const frames = [at("/p/node_modules/@powerplatform-iac/tenant/dist/declareTenant.js"), at("/p/index.ts")];
    expect(programFrames(frames)).toEqual(frames);
  });

  test(`at most ${maxProgramFrames} frames; none when the first has no position`, () => {
    const deep = Array.from({ length: 10 }, (_, i) => at("/p/helpers.ts", i + 1));
    expect(programFrames(deep)).toEqual(deep.slice(0, maxProgramFrames));
    expect(programFrames([undefined, at("/p/index.ts")])).toEqual([]);
  });
});

describe("programFramesOnly", () => {
  type WithStackTrace = { stackTrace: (skip: number) => SourceFrame[] };
  const resource = pulumi.Resource as unknown as WithStackTrace;

  test("the SDK's own stack trace while a resource is constructed, restored afterwards", () => {
    const original = resource.stackTrace;
    const end = programFramesOnly();
    try {
      expect(resource.stackTrace).not.toBe(original);
      // Called from here, as the SDK calls it from Resource's constructor (skip 0: this function's caller is the top).
      const frames = resource.stackTrace(0);
      expect(frames.length).toBeLessThanOrEqual(maxProgramFrames);
      expect(frames.every((f) => f !== undefined && !/\/node_modules\/(@pulumi|ts-node)\//.test(f.uri))).toBe(true);
      expect(original.call(resource, 0).length).toBeGreaterThan(frames.length);
    } finally {
      end();
    }
    expect(resource.stackTrace).toBe(original);
  });

  test("skips one more frame, its own: the first frame is the same as the SDK's", () => {
    const original = resource.stackTrace;
    const viaSdk = (skip: number) => resource.stackTrace(skip);
    const direct = viaSdk(1)[0];
    const end = programFramesOnly();
    try {
      const trimmed = viaSdk(1)[0];
      expect({ uri: trimmed?.uri, line: trimmed?.line }).toEqual({ uri: direct?.uri, line: direct?.line });
    } finally {
      end();
    }
    expect(resource.stackTrace).toBe(original);
  });
});
