/**
 * The per-process breakdown of `npm run bench`'s peak memory (scripts/bench/processTree.ts):
 * which role each process of a Pulumi run plays, and the samples of a real process tree.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { bytesByRole, processRole, treeSamples } from "../../scripts/bench/processTree";

describe("processRole", () => {
  test.each([
    ["pulumi", ["/cache/pulumi", "preview", "--non-interactive"], "pulumi CLI"],
    ["pulumi-language-", ["/cache/pulumi-language-nodejs", "127.0.0.1:4000"], "language host"],
    ["MainThread", ["/node/bin/node", "/repo/node_modules/@pulumi/pulumi/cmd/run/index.js", "--monitor", "127.0.0.1:1"], "program (node)"],
    ["node", ["node", "/repo/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:2"], "dynamic provider (node)"],
    ["pulumi-resource", ["/bin/sh", "/cache/pulumi-resource-pulumi-nodejs", "127.0.0.1:2"], "dynamic provider (pulumi-resource)"],
    ["MainThread", ["/node/bin/node", "/repo/node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js", "/repo/policies"], "policy pack (node)"],
    ["MainThread", ["node", "/repo/provider/bin/powerplatform-drift.js", "--stack", "bench"], "drift command (node)"],
    ["sh", ["/bin/sh", "-c", "true"], "sh"],
  ])("%s %j is %s", (comm, cmdline, role) => {
    expect(processRole(comm, cmdline)).toBe(role);
  });
});

describe("treeSamples", () => {
  const withProc = fs.existsSync("/proc/self/statm") ? test : test.skip;

  withProc("holds the root and its children, each with a resident size, summed per role", async () => {
    const child = spawn("sleep", ["5"]);
    await new Promise((resolve) => child.once("spawn", resolve));
    try {
      const samples = treeSamples(process.pid)!;
      const own = samples.find((s) => s.pid === process.pid)!;
      const sleeper = samples.find((s) => s.pid === child.pid)!;
      expect(own.rssBytes).toBeGreaterThan(0);
      expect(sleeper.role).toBe("sleep");
      const byRole = bytesByRole(samples);
      expect(Object.values(byRole).reduce((a, b) => a + b, 0)).toBe(samples.reduce((a, s) => a + s.rssBytes, 0));
      expect(byRole.sleep).toBe(sleeper.rssBytes);
    } finally {
      child.kill();
    }
  });
});
