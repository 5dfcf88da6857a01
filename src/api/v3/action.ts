import type { Deps } from '../../domain/deps.ts';
import type { Caller } from '../../domain/model.ts';
import type { Product } from './errors.ts';
import { int, type Infer, type Schema } from './schema.ts';

export interface ActionContext {
  readonly deps: Deps;
  readonly caller: Caller;
  /** `X-TC-Language`: zh-CN or en-US (the default); only zone and region names use it. */
  readonly language: 'zh-CN' | 'en-US';
}

export interface ActionDef<S extends Schema = Schema> {
  readonly product: Product;
  /** The wire name, e.g. AttachNetworkInterface. */
  readonly name: string;
  readonly summary: string;
  /** Whether the answer's RequestId is a task to poll with DescribeVpcTaskResult. */
  readonly async: boolean;
  /** Actions that need no region (DescribeRegions). */
  readonly global?: boolean;
  readonly params: S;
  /** 3.0 names of the domain fields an error can be about (`ips.*.ip` → `PrivateIpAddresses.*.PrivateIpAddress`). */
  readonly fields?: Readonly<Record<string, string>>;
  /** The codes this action can answer beyond COMMON_CODES (docs; the 3.0 fuzz test holds the
   *  server to them). */
  readonly codes?: readonly string[];
  /** The fields that go next to RequestId in `Response`. */
  handle(ctx: ActionContext, input: Infer<S>): Promise<Record<string, unknown>>;
}

export function defineAction<S extends Schema>(def: ActionDef<S>): ActionDef<S> {
  return def;
}

/** Offset/Limit with the 3.0 defaults (0, 20) and ceiling (100); numbers or numeric strings. */
export function paging() {
  return { Offset: int({ min: 0 }).default(0), Limit: int({ min: 1, max: 100 }).default(20) };
}

/** The domain's page of an Offset/Limit pair. */
export const pageOf = (p: { Offset: number; Limit: number }) => ({ offset: p.Offset, limit: p.Limit });

/** Newest first, ties by id: the 3.0 listing order. */
export const NEWEST_FIRST = { field: 'createdAt', direction: 'desc' } as const;
