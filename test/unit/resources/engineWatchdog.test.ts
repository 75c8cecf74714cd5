/**
 * The dynamic-provider process's watch on the engine (provider/engineWatchdog.ts): which
 * process is the engine, and when it counts as gone. The real thing is proven end to end
 * in test/e2e/engineGone.e2e.test.ts.
 */
import { engineGone, enginePid, isDynamicProviderProcess, processInfo } from "../../../provider/engineWatchdog";

const tree: Record<number, { ppid: number; command: string; exited: boolean }> = {
  100: { ppid: 1, command: "pulumi up --yes", exited: false },
  200: { ppid: 100, command: "/bin/sh /cache/pulumi-resource-pulumi-nodejs 127.0.0.1:4000", exited: false },
};
const info = (pid: number) => tree[pid];

describe("the engine watch", () => {
  test("runs only in the dynamic-provider process", () => {
    expect(isDynamicProviderProcess(["node", "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:1"])).toBe(true);
    expect(isDynamicProviderProcess(["node", "/x/node_modules/.bin/jest"])).toBe(false);
  });

  test("the engine is the grandparent behind the plugin's shell script, else the parent", () => {
    expect(enginePid(200, info)).toBe(100);
    expect(enginePid(100, info)).toBe(100);
  });

  test("gone when the parent changed, when the engine no longer exists, or when it exited unreaped", () => {
    expect(engineGone({ parent: 200, engine: process.pid }, 200, () => ({ ppid: 1, command: "pulumi", exited: false }))).toBeUndefined();
    expect(engineGone({ parent: 200, engine: process.pid }, 1, info)).toBe("its parent process 200 is gone (the process is now a child of 1)");
    expect(engineGone({ parent: 200, engine: 2 ** 22 + 12345 }, 200, info)).toMatch(/the Pulumi engine \(pid \d+\) that started it is gone/);
    expect(engineGone({ parent: 200, engine: process.pid }, 200, () => ({ ppid: 1, command: "pulumi", exited: true }))).toMatch(/is gone/);
  });

  test("reads a real process: this one", () => {
    expect(processInfo(process.pid)).toEqual({ ppid: process.ppid, command: expect.stringContaining("node"), exited: false });
  });
});
