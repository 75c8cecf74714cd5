/**
 * What the state holds of the provider: every resource of this package is a Pulumi dynamic
 * resource (type `pulumi-nodejs:dynamic/powerplatform:<Kind>`), whose `__provider` property
 * is the text Pulumi's dynamic-provider process loads (`require-from-string`) and calls
 * `handler()` on to get the resource's provider.
 *
 * `pulumi.dynamic.Resource` would produce that text by serializing a provider object with
 * Pulumi's closure serializer: about 2.5 KB per resource, stored twice (inputs and
 * outputs), and a serializer that parses the functions with TypeScript at every
 * `pulumi up`. The text here is written once per kind instead, and is about a hundred
 * bytes: it loads this package's runtime by its package name inside the dynamic-provider
 * process (which resolves it from the program's node_modules) and asks it for the
 * provider of the kind. It holds no implementation, no credentials and no path (the
 * stack configuration reaches the runtime through `configure()`, at run time), and it
 * does not change when the implementation does, so upgrading the package never shows a
 * spurious diff.
 */

/** The module the stub loads in the dynamic-provider process. */
const runtimeModule = "@powerplatform-iac/provider/runtime";

const stubs = new Map<string, string>();

/**
 * The serialized dynamic provider (`__provider`) of a resource kind, e.g.
 * `exports.handler=()=>require("@powerplatform-iac/provider/runtime").providerFor("FlowState");`.
 * One string per kind, built once.
 */
export function providerStub(kind: string): string {
  if (!/^[A-Z][A-Za-z]+$/.test(kind)) throw new Error(`@powerplatform-iac/provider: invalid resource kind ${JSON.stringify(kind)}`);
  let stub = stubs.get(kind);
  if (stub === undefined) {
    stub = `exports.handler=()=>require(${JSON.stringify(runtimeModule)}).providerFor(${JSON.stringify(kind)});`;
    stubs.set(kind, stub);
  }
  return stub;
}

/** The type token of a resource kind: what `pulumi.dynamic.Resource` registers for module `powerplatform`. */
export function dynamicResourceType(kind: string): string {
  return `pulumi-nodejs:dynamic/powerplatform:${kind}`;
}

/**
 * The props a resource of `kind` registers: its inputs, every output name (Pulumi wires up
 * an output only for the keys it is given, so an optional input left out, or an output
 * the API computes, would otherwise never resolve) and the provider stub.
 */
export function dynamicResourceProps(kind: string, args: object, outputs: readonly string[]): Record<string, unknown> {
  if ((args as { __provider?: unknown }).__provider !== undefined) throw new Error("A dynamic resource must not define the __provider key");
  const props: Record<string, unknown> = { ...args };
  for (const name of outputs) if (!(name in props)) props[name] = undefined;
  props.__provider = providerStub(kind);
  return props;
}
