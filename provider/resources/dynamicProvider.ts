import type * as pulumi from "@pulumi/pulumi";

/**
 * The object Pulumi serializes into the state of every resource (`__provider`).
 *
 * It holds no implementation, no credentials and no path (the stack configuration reaches
 * the runtime through `configure()`, at run time): each method loads this
 * package's runtime by its package name inside the dynamic-provider process (which
 * resolves it from the program's node_modules) and forwards the call. The blob stays
 * a few hundred bytes and does not change when the implementation does, so upgrading
 * the package never shows a spurious diff.
 */
export function dynamicProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const runtime = () => require("@powerplatform-iac/provider/runtime");
  const handler = () => runtime().handlerFor(kind);
  return {
    // The stack's `powerplatform:*` configuration, read in the provider process (never captured here).
    configure: (req) => runtime().configureFromStack(req.config),
    check: (olds, news) => handler().check(olds, news),
    diff: (id, olds, news) => handler().diff(id, olds, news),
    create: (inputs) => handler().create(inputs),
    read: (id, props) => handler().read(id, props),
    update: (id, olds, news) => handler().update(id, olds, news),
    delete: (id, props) => handler().delete(id, props),
  };
}

/**
 * The props a resource registers: its inputs plus every output name. Pulumi wires up
 * an output only for the keys it is given, so an optional input left out (or an output
 * the API computes) would otherwise never resolve.
 */
export function propsWithOutputs(args: object, outputs: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = { ...args };
  for (const name of outputs) if (!(name in props)) props[name] = undefined;
  return props;
}
