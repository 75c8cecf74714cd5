import type { CheckFailure } from "./validation";

/**
 * What each resource implements: the dynamic-provider methods with typed inputs
 * (`I`, after `check`) and outputs (`O`, what the state holds). The engine passes old
 * *outputs* and new *inputs* to `diff` and `update`.
 */
export interface CheckResult<I> {
  inputs?: I;
  failures?: CheckFailure[];
}

export interface DiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

export interface ReadResult<I, O> {
  /** Empty when the object is gone: the engine then drops it from the state. */
  id: string;
  props: O;
  /** The inputs that would produce the real state, so refresh shows drift. */
  inputs?: I;
}

export interface ResourceHandler<I, O> {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult<I>>;
  diff(id: string, olds: O, news: I): Promise<DiffResult>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props: O): Promise<ReadResult<I, O>>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}
