/**
 * The implementation side of the dynamic resources, loaded by name
 * (`@powerplatform-iac/provider/runtime`) inside Pulumi's dynamic-provider process.
 * See resources/dynamicProvider.ts for why the state holds only a forwarding stub.
 *
 * A resource kind `FooBar` lives in `resources/fooBar.ts`, which exports
 * `fooBarHandler`; only the modules of the kinds in use are loaded.
 */
import type { ResourceHandler } from "./resources/handler";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = ResourceHandler<any, any>;

const loaded = new Map<string, AnyHandler>();

export function handlerFor(kind: string): AnyHandler {
  let handler = loaded.get(kind);
  if (!handler) {
    if (!/^[A-Z][A-Za-z]+$/.test(kind)) throw new Error(`@powerplatform-iac/provider: invalid resource kind ${JSON.stringify(kind)}`);
    const base = kind[0].toLowerCase() + kind.slice(1);
    let module: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require(`./resources/${base}`);
    } catch (error) {
      throw new Error(`@powerplatform-iac/provider: this version of the package has no resource ${kind} (${(error as Error).message}); upgrade it`);
    }
    handler = module[`${base}Handler`] as AnyHandler | undefined;
    if (!handler) throw new Error(`@powerplatform-iac/provider: resources/${base} does not export ${base}Handler`);
    loaded.set(kind, handler);
  }
  return handler;
}
