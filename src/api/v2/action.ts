import type { Deps } from '../../domain/deps.ts';
import type { Caller } from '../../domain/model.ts';
import { int, oneOf, type Infer, type Schema } from './schema.ts';

export interface ActionContext {
  readonly deps: Deps;
  readonly caller: Caller;
}

export interface ActionDef<S extends Schema = Schema> {
  /** The wire name, e.g. AttachNetworkInterface. */
  readonly name: string;
  /** One line for the coverage list. */
  readonly summary: string;
  /** Whether the answer carries a taskId to poll with DescribeVpcTaskResult. */
  readonly async: boolean;
  readonly params: S;
  /** v2 names of the domain fields an error can be about (`ips.*.ip` → `privateIpAddressSet.*.privateIpAddress`). */
  readonly fields?: Readonly<Record<string, string>>;
  /** Returns the fields that go next to code/message/codeDesc in the answer. */
  handle(ctx: ActionContext, input: Infer<S>): Promise<Record<string, unknown>>;
}

export function defineAction<S extends Schema>(def: ActionDef<S>): ActionDef<S> {
  return def;
}

/** The async answer: the task id at the top level and under data (both doc generations). */
export function taskAnswer(taskId: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { taskId, data: { taskId, ...extra } };
}

/** offset/limit with the documented defaults; above `maxLimit` is InvalidParameterValue. */
export function paging(maxLimit: number) {
  return {
    offset: int({ min: 0, max: 2 ** 31 - 1 }).default(0),
    limit: int({ min: 1, max: maxLimit }).default(20),
  };
}

/** A single-valued v2 filter as the domain's list filter: absent stays absent. */
export function one<T>(value: T | undefined): T[] | undefined {
  return value === undefined ? undefined : [value];
}

/** The domain's order of a v2 `orderField`: createTime, or a name field. */
export function orderOf(p: { orderField: string; orderDirection: 'asc' | 'desc' }) {
  return {
    field: p.orderField === 'createTime' ? ('createdAt' as const) : ('name' as const),
    direction: p.orderDirection,
  };
}

/** orderField (first of `fields` by default) and orderDirection (desc by default). */
export function ordering<F extends string>(fields: readonly [F, ...F[]]) {
  return {
    orderField: oneOf(fields).default(fields[0]),
    orderDirection: oneOf(['asc', 'desc'] as const).default('desc'),
  };
}
