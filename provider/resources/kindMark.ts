/**
 * Every resource says what it is, in a property policy packs can read. The engine hands
 * an analyzer (a policy pack) a resource's checked inputs without the keys starting with
 * `__`, so the serialized provider (`__provider`) is invisible to it, and the type token
 * is whatever the program registered the resource under. The runtime therefore adds
 * `powerplatformKind: "<Kind>"` to the checked inputs and to the outputs of every
 * resource it implements: the implementation, not the program, states the kind, so the
 * same implementation under another type token is still recognised (policies/resourceTypes.ts).
 */
import type { ResourceHandler } from "./handler";

/** The property naming the resource's kind. */
export const kindMarkKey = "powerplatformKind";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = ResourceHandler<any, any>;

const marked = <T>(value: T, kind: string): T =>
  value && typeof value === "object" ? ({ ...(value as object), [kindMarkKey]: kind } as T) : value;

/** `handler` with the kind added to its checked inputs, its outputs and the inputs read back. */
export function withKindMark(kind: string, handler: AnyHandler): AnyHandler {
  return {
    ...handler,
    async check(olds, news) {
      const result = await handler.check(olds, news);
      return result.inputs === undefined ? result : { ...result, inputs: marked(result.inputs, kind) };
    },
    async create(inputs) {
      const result = await handler.create(inputs);
      return { ...result, outs: marked(result.outs, kind) };
    },
    async read(id, props) {
      const result = await handler.read(id, props);
      if (!result.id) return result; // gone: the engine drops it
      // A state written before the mark existed gets it at the next update, not from a
      // refresh (where a new property would show as drift).
      if ((props as Record<string, unknown> | undefined)?.[kindMarkKey] === undefined) return result;
      return { ...result, props: marked(result.props, kind), ...(result.inputs !== undefined ? { inputs: marked(result.inputs, kind) } : {}) };
    },
    async update(id, olds, news) {
      const result = await handler.update(id, olds, news);
      return { ...result, outs: marked(result.outs, kind) };
    },
  };
}
