import { sdk3Client, type Answer3, type Client3, type Product3 } from '../../support/sdk3.ts';

// A replay of the tencentcloud Terraform provider (docs/terraform.md). This module is its client:
// the calls through the unchanged tencentcloud-sdk-nodejs, the retry rules (which codes are
// retried, for how long, with which waits), the polls, the tag service, and how fields are read.
// Each resource is a module beside this one (vpc.ts, subnet.ts, security-group.ts, eni.ts,
// attachment.ts, ipv4-address.ts, enis.ts, instance.ts) with the provider's calls for create, read,
// update and destroy, in its order and with its parameters; each read returns the Terraform state
// the provider would keep. A field the provider dereferences without a nil check must be there
// with its type, or the replay fails as the provider would crash (ProviderCrash). Timeouts and
// waits are the provider's, scaled down by `scale` so that tests run in seconds.

/** An API error answer, as the Go SDK hands it to the provider. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Where the provider dereferences a missing field, or one of another type: it would panic. */
export class ProviderCrash extends Error {}

/** What the provider reports when a retried call or a poll runs out of time. */
export class ProviderTimeout extends Error {
  constructor(
    message: string,
    readonly last: unknown,
  ) {
    super(message);
  }
}

/** The codes every wrapped call retries; a code also counts by the part before its first dot. */
export const RETRYABLE = [
  'ClientError.NetworkError',
  'ClientError.HttpStatusCodeError',
  'InvalidParameter.ActionInProgress',
  'RequestLimitExceeded',
  'ResourceInUse',
  'ResourceUnavailable',
  'ResourceBusy',
];

export const inList = (code: string, list: readonly string[]) =>
  list.includes(code) || list.includes(code.split('.')[0]!);

/** Thrown inside a retried function: try again after the next wait (resource.RetryableError). */
export class Again extends Error {}

/** Read and write timeouts (TENCENTCLOUD_READ/WRITE_RETRY_TIMEOUT defaults), in seconds. */
export const READ_S = 180;
export const WRITE_S = 300;

// Field readers: the provider's `*field` on the SDK's pointer types.
function path(v: unknown, where: string, type: 'string' | 'number' | 'boolean' | 'array' | 'object'): any {
  const ok =
    type === 'array' ? Array.isArray(v) : type === 'object' ? typeof v === 'object' && v !== null : typeof v === type;
  if (!ok) throw new ProviderCrash(`${where} is ${JSON.stringify(v)}, not a ${type}: the provider dereferences it`);
  return v;
}
export const str = (v: unknown, where: string): string => path(v, where, 'string');
export const int = (v: unknown, where: string): number => path(v, where, 'number');
export const bool = (v: unknown, where: string): boolean => path(v, where, 'boolean');
export const arr = (v: unknown, where: string): any[] => path(v, where, 'array');
export const obj = (v: unknown, where: string): any => path(v, where, 'object');

/** `TagSet` as the provider reads it into `tags`. */
export function tagMap(v: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, t] of arr(v, where).entries())
    out[str(t.Key, `${where}[${i}].Key`)] = str(t.Value, `${where}[${i}].Value`);
  return out;
}

export interface Call {
  product: Product3;
  action: string;
  params: Record<string, unknown>;
  /** The error code answered, if any. */
  code?: string;
}

export class Provider {
  readonly region = 'ap-guangzhou';
  /** Every call made, in order, with the code of each error answered. */
  readonly calls: Call[] = [];
  private readonly client: Client3;

  constructor(
    port: number,
    private readonly o: { scale?: number } = {},
  ) {
    this.client = sdk3Client(port);
  }

  private get scale() {
    return this.o.scale ?? 0.01;
  }

  sleep(seconds: number): Promise<void> {
    return new Promise((res) => setTimeout(res, seconds * 1000 * this.scale));
  }

  /** One API call; an error answer (or a failure to get one) is thrown as ApiError. */
  async api(product: Product3, action: string, params: Record<string, unknown>): Promise<Answer3> {
    const call: Call = { product, action, params };
    this.calls.push(call);
    let r;
    try {
      r = await this.client.call(product, action, params);
    } catch (err) {
      call.code = 'ClientError.NetworkError';
      throw new ApiError(call.code, (err as Error).message);
    }
    if ('Error' in r) {
      call.code = r.Error.Code;
      throw new ApiError(r.Error.Code, r.Error.Message);
    }
    return r;
  }

  /**
   * resource.Retry(timeout, f): the first try at once, then waits of 0.5 s doubling up to 10 s
   * (the cadence 0, 0.5, 1.5, 3.5 s…) while `f` asks for another try (Again); anything else ends it.
   */
  async retry<T>(timeoutS: number, f: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutS * 1000 * this.scale;
    let wait = 0.5;
    for (;;) {
      try {
        return await f();
      } catch (err) {
        if (!(err instanceof Again)) throw err;
        if (Date.now() + wait * 1000 * this.scale > deadline) {
          throw new ProviderTimeout(`timeout after ${timeoutS} s: ${err.message}`, err.cause);
        }
        await this.sleep(wait);
        wait = Math.min(wait * 2, 10);
      }
    }
  }

  /** A call inside resource.Retry with tccommon.RetryError: the default codes, plus `also`, are retried. */
  call(
    product: Product3,
    action: string,
    params: Record<string, unknown>,
    o: { timeoutS: number; also?: readonly string[] | 'any'; onError?: (e: ApiError) => Answer3 | undefined },
  ): Promise<Answer3> {
    return this.retry(o.timeoutS, async () => {
      try {
        return await this.api(product, action, params);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const handled = o.onError?.(err);
        if (handled) return handled;
        if (o.also === 'any' || inList(err.code, [...RETRYABLE, ...(o.also ?? [])])) {
          throw new Again(err.message, { cause: err });
        }
        throw err;
      }
    });
  }

  /** Polls until `ready` answers a value (not undefined); errors end the poll unless `retryAny`. */
  poll<T>(timeoutS: number, what: string, ready: () => Promise<T | undefined>, retryAny = false): Promise<T> {
    return this.retry(timeoutS, async () => {
      let got: T | undefined;
      try {
        got = await ready();
      } catch (err) {
        if (retryAny && err instanceof ApiError) throw new Again(err.message, { cause: err });
        throw err;
      }
      if (got === undefined) throw new Again(what);
      return got;
    });
  }

  private resourceName(service: string, prefix: string, id: string) {
    return `qcs::${service}:${this.region}:uin/:${prefix}/${id}`;
  }

  /** TagService.ModifyTags. */
  async modifyTags(
    service: string,
    prefix: string,
    id: string,
    replace: Record<string, string>,
    remove: string[] = [],
  ) {
    const params: Record<string, unknown> = { Resource: this.resourceName(service, prefix, id) };
    if (Object.keys(replace).length) {
      params.ReplaceTags = Object.entries(replace).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    }
    if (remove.length) params.DeleteTags = remove.map((TagKey) => ({ TagKey }));
    await this.call('tag', 'ModifyResourceTags', params, { timeoutS: WRITE_S });
  }

  /** TagService.DescribeResourceTags: pages of 20 while a page is full; other resources' tags skipped. */
  async describeTags(service: string, prefix: string, id: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    for (let offset = 0, count = 20; count === 20; offset += count) {
      const r = await this.call(
        'tag',
        'DescribeResourceTagsByResourceIds',
        {
          ServiceType: service,
          ResourcePrefix: prefix,
          ResourceRegion: this.region,
          ResourceIds: [id],
          Limit: 20,
          Offset: offset,
        },
        { timeoutS: READ_S },
      );
      const page = arr(r.Tags, 'Tags');
      count = page.length;
      for (const [i, t] of page.entries()) {
        if (str(t.ResourceId, `Tags[${i}].ResourceId`) !== id) continue;
        tags[str(t.TagKey, `Tags[${i}].TagKey`)] = str(t.TagValue, `Tags[${i}].TagValue`);
      }
    }
    return tags;
  }

  /** A delete of the VPC API that retries every error for 5 minutes but ResourceNotFound (done). */
  async deleteRetrying(action: string, params: Record<string, unknown>) {
    await this.call('vpc', action, params, {
      timeoutS: WRITE_S,
      also: 'any',
      onError: (e) => (e.code === 'ResourceNotFound' ? ({ RequestId: '' } as Answer3) : undefined),
    });
  }

  /** The task poll: DescribeVpcTaskResult with the call's RequestId until it is not RUNNING (FAILED is no error). */
  waitTask(requestId: string) {
    return this.poll(READ_S, `task ${requestId} still running`, async () => {
      const r = await this.api('vpc', 'DescribeVpcTaskResult', { TaskId: requestId });
      const status = str(r.Status, 'Status');
      return status === 'RUNNING' ? undefined : status;
    });
  }
}
