/**
 * The implementation side of the dynamic resources, loaded by name
 * (`@powerplatform-iac/provider/runtime`) inside Pulumi's dynamic-provider process.
 * See resources/dynamicProvider.ts for why the state holds only a forwarding stub.
 *
 * A resource kind `FooBar` lives in `resources/fooBar.ts`, which exports
 * `fooBarHandler`; only the modules of the kinds in use are loaded.
 *
 * @module @powerplatform-iac/provider/runtime
 */
import type { ResourceHandler } from "./resources/handler";
import { withTimeouts } from "./resources/timeouts";
import { startEngineWatchdog } from "./engineWatchdog";
import { withKindMark } from "./resources/kindMark";
import { withProgressScopes } from "./resources/progress";
import { configureFromStack } from "./resources/runtimeSupport";
import type { ResourceProvider } from "@pulumi/pulumi/dynamic";

// Stubs serialized by earlier versions call configureFromStack and handlerFor directly.
export { configureFromStack };

// In the dynamic-provider process: exit when the engine that started it is gone.
startEngineWatchdog();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = ResourceHandler<any, any>;

const loaded = new Map<string, AnyHandler>();

/**
 * The handler of a resource kind (e.g. `Environment`), loaded on first use and wrapped with the
 * shared timeouts, progress, kind mark and stub-change rules; the dynamic provider's stub calls it
 * by name.
 */
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
    const found = module[`${base}Handler`] as AnyHandler | undefined;
    if (!found) throw new Error(`@powerplatform-iac/provider: resources/${base} does not export ${base}Handler`);
    handler = withKindMark(kind, withStubChanges(withTimeouts(withProgressScopes(kind, found))));
    loaded.set(kind, handler);
  }
  return handler;
}

const providers = new Map<string, ResourceProvider>();

/**
 * The dynamic provider of a resource kind: what the stub in the state of every resource of
 * that kind (`__provider`, see resources/dynamicProvider.ts) returns from its `handler()`.
 * One object per kind and process. It reads the stack's `powerplatform:*` configuration in
 * `configure()` and forwards every call to the kind's handler, loaded on first use.
 */
export function providerFor(kind: string): ResourceProvider {
  let provider = providers.get(kind);
  if (!provider) {
    const handler = () => handlerFor(kind);
    provider = {
      configure: (req) => configureFromStack(req.config),
      check: (olds, news) => handler().check(olds, news),
      diff: (id, olds, news) => handler().diff(id, olds, news),
      create: (inputs) => handler().create(inputs),
      read: (id, props) => handler().read(id, props),
      update: (id, olds, news) => handler().update(id, olds, news),
      delete: (id, props) => handler().delete(id, props),
    };
    providers.set(kind, provider);
  }
  return provider;
}

/**
 * A create that fails after the object exists throws its id and properties (see
 * keepIdOnFailure): the engine records them as the resource's state. That state must
 * carry the serialized stub (`__provider`) like every other, or each later read, update
 * or delete of the resource fails ("code must be a string") and it is wedged for good.
 */
function withStubInPartialState(create: AnyHandler["create"]): AnyHandler["create"] {
  return async (inputs) => {
    try {
      return await create(inputs);
    } catch (error) {
      const partial = error as { id?: string; properties?: Record<string, unknown> };
      const stub = (inputs as { __provider?: unknown }).__provider;
      if (partial && partial.id && stub !== undefined) partial.properties = { ...(partial.properties ?? {}), __provider: stub };
      throw error;
    }
  };
}

/**
 * A new serialized stub (`__provider`) in the program is a change for every resource:
 * `up` then records it (the resource's update finds nothing else to do). The rule lives
 * here, once, rather than in each resource's diff.
 */
export function withStubChanges(handler: AnyHandler): AnyHandler {
  return {
    ...handler,
    create: withStubInPartialState(handler.create.bind(handler)),
    async diff(id, olds, news) {
      const result = await handler.diff(id, olds, news);
      const stubChanged = (olds as { __provider?: string }).__provider !== (news as { __provider?: string }).__provider;
      return stubChanged && !result.changes ? { ...result, changes: true } : result;
    },
  };
}
