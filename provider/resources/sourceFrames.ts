/**
 * The call stack Pulumi records for each resource of this package: the program's own
 * frames, not the SDK's.
 *
 * Pulumi's Node SDK (3.276) sends with every registration the source position of the line
 * that constructed the resource and the whole call stack above it (`Resource.stackTrace`:
 * every frame of `new Error().stack`, with `Error.stackTraceLimit` lifted), and the engine
 * stores both in the state of the resource. Below the program's own frames that stack is
 * the SDK running the program (`cmd/run/run.ts`, `runtime/stack.ts`, `resource.ts`) and
 * Node's internals (stored as empty frames): about 400 bytes per resource, the same for
 * every resource, and a quarter of a resource's state.
 *
 * While one of this package's resources is constructed, the SDK's stack trace is cut to
 * the frames of the program: from the line that constructed the resource (the source
 * position, unchanged: where a program writes `new FlowState(...)`, it is that line)
 * down to the first frame that is not the program's (Node's internals, the Pulumi SDK or
 * ts-node that run it), at most {@link maxProgramFrames}. Other resources of the program
 * keep the SDK's behaviour.
 */
import * as pulumi from "@pulumi/pulumi";

/** A frame as the SDK sends it (undefined: a frame without a position, e.g. Node's internals). */
export type SourceFrame = { uri: string; line: number; column: number } | undefined;

/** At most this many frames are kept: the constructing line and its callers in the program. */
export const maxProgramFrames = 4;

/** Frames of what runs the program, not of the program: the Pulumi SDK and ts-node. */
const machinery = /\/node_modules\/(?:@pulumi|ts-node)\//;

/**
 * The program's frames of an SDK stack trace (top first): the leading frames up to the
 * first one without a position or inside the SDK or ts-node, at most {@link maxProgramFrames}.
 */
export function programFrames(frames: readonly SourceFrame[]): SourceFrame[] {
  const kept: SourceFrame[] = [];
  for (const frame of frames) {
    if (frame === undefined || machinery.test(frame.uri) || kept.length === maxProgramFrames) break;
    kept.push(frame);
  }
  return kept;
}

type StackTraceFunction = (skip: number) => SourceFrame[];
type ResourceClass = { stackTrace?: StackTraceFunction };

/**
 * Cuts the stack traces of the resources constructed until the returned function is
 * called to their program frames ({@link programFrames}). A resource class calls it
 * around its `super(...)` and calls the result in a `finally`. Does nothing when the
 * SDK has no `Resource.stackTrace` (another SDK version).
 */
export function programFramesOnly(): () => void {
  const resource = pulumi.Resource as unknown as ResourceClass;
  const original = resource.stackTrace;
  if (typeof original !== "function") return () => {};
  // This function is one more frame between the SDK's constructor and its stack trace: skip it too.
  resource.stackTrace = (skip: number) => programFrames(original.call(resource, skip + 1));
  return () => {
    resource.stackTrace = original;
  };
}
