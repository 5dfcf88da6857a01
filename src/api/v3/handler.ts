import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Deps } from '../../domain/deps.ts';
import { DomainError, fail, fieldNamer, messageOf } from '../../domain/errors.ts';
import type { Region } from '../../domain/regions.ts';
import { claimSignature } from '../../store/account.repo.ts';
import { keyLookup } from '../keys.ts';
import { printable, FormParams } from '../v2/params.ts';
import { faultAtDoor, TransportFault, type DoorFaults } from '../fault-door.ts';
import { newNote, type RequestNote } from '../request-note.ts';
import { eventDraft, isWriteAction, replayRefusal, requestScope, type RequestScope } from '../request-scope.ts';
import { algorithmOf, sign, signatureMatches, sourceString } from '../v2/signature.ts';
import type { ActionDef } from './action.ts';
import { v3Code, type Product } from './errors.ts';
import { IdempotencyRefusal, withClientToken } from './idempotency.ts';
import { decodeForm, decodeJsonBody, unflatten } from './params.ts';
import { readSchema } from './schema.ts';
import { canonicalRequest, hexMatches, parseAuthorization, payloadHash, scopeDate, tc3Signature } from './signature.ts';

// The API 3.0 pipeline, in the documented order of checks (docs/api3.md, "Order of checks"):
// transport → signature form → key → signature → time window → Version → Action → Region →
// parameters → the action. Every answer is HTTP 200 with `{"Response": …}` and a RequestId.

export interface V3Request {
  method: string;
  /** The Host the client addressed (header, or the absolute-form request line). */
  host: string;
  path: string;
  /** The query string exactly as it came on the request line. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Filled in for the HTTP layer (the fault rule that fired). */
  note?: RequestNote;
}

export type V3Envelope = { Response: Record<string, unknown> };

export const VERSIONS: Record<Product, string> = { vpc: '2017-03-12', cvm: '2017-03-12', tag: '2018-08-13' };
const PRODUCTS = Object.keys(VERSIONS) as Product[];

/** Errors of the 3.0 door itself, with no domain meaning: answered with their code as they are. */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const COMMON_V1 = new Set([
  'Action',
  'Version',
  'Region',
  'Timestamp',
  'Nonce',
  'SecretId',
  'Signature',
  'SignatureMethod',
  'Token',
  'Language',
  'RequestClient',
]);

interface Admitted {
  appId: number;
  action: string;
  version: string | undefined;
  region: string | undefined;
  /** The service the signature names (TC3 scope), when it names one we serve. */
  service: string | undefined;
  params: Record<string, unknown>;
}

export function v3Handler(o: {
  deps: Deps;
  actions: ReadonlyMap<string, ActionDef>;
  windowS: number;
  log: Logger;
  faults?: DoorFaults;
}): (req: V3Request) => Promise<V3Envelope> {
  const lookup = keyLookup(o.deps.db, o.deps.now);
  const byProduct = new Map<string, ActionDef>([...o.actions.values()].map((a) => [`${a.product}:${a.name}`, a]));

  function header(req: V3Request, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  async function secretKeyOf(secretId: string, note: RequestNote): Promise<{ appId: number; secretKey: string }> {
    note.secretId = secretId;
    const key = await lookup(secretId);
    if (!key || !key.enabled) fail('unknownKey', `SecretId ${printable(secretId)} does not exist or is disabled`);
    return key;
  }

  function checkWindow(timestampS: number): void {
    const nowS = o.deps.now() / 1000;
    if (Math.abs(nowS - timestampS) > o.windowS) {
      fail('expired', `timestamp ${timestampS} is more than ${o.windowS} s away from server time ${Math.floor(nowS)}`);
    }
  }

  async function admitTc3(req: V3Request, note: RequestNote, authorization: string): Promise<Admitted> {
    const auth = parseAuthorization(authorization);
    if (!auth || !auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
      throw new ProtocolError(
        'AuthFailure.InvalidAuthorization',
        'the Authorization header is not TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<…;content-type;host…>, Signature=<hex>',
      );
    }
    const rawTimestamp = header(req, 'x-tc-timestamp');
    if (rawTimestamp === undefined)
      fail('invalidParameter', 'header X-TC-Timestamp is required', { reason: 'missing' });
    if (!/^\d{1,12}$/.test(rawTimestamp))
      fail('invalidParameter', 'header X-TC-Timestamp must be UNIX seconds', { reason: 'type' });
    const timestampS = Number(rawTimestamp);
    const key = await secretKeyOf(auth.secretId, note);
    const hash = payloadHash(req.body, header(req, 'x-tc-content-sha256'));
    // Clients differ in the host they sign (with or without the port) and in how they spell header
    // values; every reading a real client produces is tried (docs/api3.md, "Signature").
    const hosts = [req.host, req.host.replace(/:\d+$/, '')];
    const matches = (lower: boolean, host: string) => {
      const headers = auth.signedHeaders.map((name): [string, string] => {
        const value = name === 'host' ? host : (header(req, name) ?? '');
        return [name, lower ? value.trim().toLowerCase() : value.trim()];
      });
      const canonical = canonicalRequest({
        method: req.method,
        path: req.path,
        query: req.method === 'GET' ? req.rawQuery : '',
        headers,
        payloadHash: hash,
      });
      return hexMatches(tc3Signature(key.secretKey, timestampS, auth.service, canonical), auth.signature);
    };
    const ok = [true, false].some((lower) => hosts.some((host) => matches(lower, host)));
    if (!ok || auth.date !== scopeDate(timestampS)) {
      fail('signatureMismatch', 'the TC3-HMAC-SHA256 signature does not match this request');
    }
    checkWindow(timestampS);
    const params = req.method === 'GET' ? unflatten(decodeForm(req.rawQuery), new Set()) : decodeJsonBody(req.body);
    return {
      appId: key.appId,
      action: header(req, 'x-tc-action') ?? '',
      version: header(req, 'x-tc-version'),
      region: header(req, 'x-tc-region'),
      service: auth.service,
      params,
    };
  }

  /** Signature v1 (HmacSHA1/HmacSHA256) on the 3.0 endpoint: the v2 algorithm with path `/`. */
  async function admitV1(req: V3Request, note: RequestNote, raw: string): Promise<Admitted> {
    const pairs = decodeForm(raw);
    const params = new FormParams(pairs);
    const need = (name: string) => {
      const v = params.get(name);
      if (v === undefined || v === '')
        fail('invalidParameter', `common parameter ${name} is required`, { reason: 'missing' });
      return v;
    };
    const timestamp = need('Timestamp');
    if (!/^\d{1,12}$/.test(timestamp))
      fail('invalidParameter', 'common parameter Timestamp must be UNIX seconds', { reason: 'type' });
    const secretId = need('SecretId');
    const signature = need('Signature');
    const key = await secretKeyOf(secretId, note);
    const algorithm = algorithmOf(params.get('SignatureMethod'));
    const ok = [req.host, req.host.replace(/:\d+$/, '')].some((host) =>
      signatureMatches(sign(key.secretKey, algorithm, sourceString(req.method, host, req.path, pairs)), signature),
    );
    if (!ok) fail('signatureMismatch', 'the signature does not match; sign METHOD + Host + / + sorted parameters');
    checkWindow(Number(timestamp));
    // v1 keeps v2's replay rule: a signature counts once within the window.
    const expiresAt = (Number(timestamp) + o.windowS) * 1000;
    if (!(await claimSignature(o.deps.db, secretId, signature, expiresAt))) {
      throw replayRefusal();
    }
    return {
      appId: key.appId,
      action: params.get('Action') ?? '',
      version: params.get('Version'),
      region: params.get('Region'),
      service: undefined,
      params: unflatten(pairs, COMMON_V1),
    };
  }

  /** Product: Host's first label, else the signature's service, else the one defining the action. */
  function route(req: V3Request, admitted: Admitted): ActionDef {
    if (admitted.version === undefined || admitted.version === '') {
      fail('invalidParameter', 'X-TC-Version (or Version) is required', { reason: 'missing' });
    }
    if (!Object.values(VERSIONS).includes(admitted.version)) {
      throw new ProtocolError(
        'NoSuchVersion',
        `version ${printable(admitted.version)} does not exist; use 2017-03-12 (vpc, cvm) or 2018-08-13 (tag)`,
      );
    }
    if (admitted.action === '') fail('invalidParameter', 'X-TC-Action (or Action) is required', { reason: 'missing' });
    const label = req.host.split('.')[0]!.toLowerCase();
    const product = PRODUCTS.find((p) => p === label) ?? PRODUCTS.find((p) => p === admitted.service);
    if (!product && /\.tencentcloudapi\.com(:\d+)?$/i.test(req.host)) {
      fail('unknownAction', `product ${printable(label)} is not served here`);
    }
    const def = product
      ? byProduct.get(`${product}:${admitted.action}`)
      : PRODUCTS.map((p) => byProduct.get(`${p}:${admitted.action}`)).find(Boolean);
    if (!def)
      fail('unknownAction', `Action ${printable(admitted.action)} is not supported${product ? ` by ${product}` : ''}`);
    if (VERSIONS[def.product] !== admitted.version) {
      throw new ProtocolError(
        'NoSuchVersion',
        `${def.product} has no version ${printable(admitted.version)}; use ${VERSIONS[def.product]}`,
      );
    }
    return def;
  }

  function region(def: ActionDef, name: string | undefined): Region | undefined {
    if (def.global) return undefined;
    if (name === undefined || name === '')
      fail('invalidParameter', 'X-TC-Region (or Region) is required', { reason: 'missing' });
    const r = o.deps.catalogue.region(name);
    if (!r) fail('unknownRegion', `region ${printable(name)} is not offered here`);
    return r;
  }

  return async (req) => {
    const note = req.note ?? newNote('3.0', '');
    const answer = await handle(req, note);
    const error = answer.Response.Error as { Code?: string } | undefined;
    note.code = error?.Code ?? 'Success';
    // A 3.0 task is polled by the RequestId of the call that started it.
    const def = note.action && byProduct.get(`${note.product}:${note.action}`);
    if (!error && def && def.async) note.taskId = note.requestId;
    return answer;
  };

  async function handle(req: V3Request, note: RequestNote): Promise<V3Envelope> {
    const requestId = o.deps.ids.uuid();
    note.requestId = requestId;
    note.client = header(req, 'x-tc-requestclient') ?? note.client;
    let def: ActionDef | undefined;
    let product: Product = 'vpc';
    let scope: RequestScope | undefined;
    try {
      if (req.method !== 'GET' && req.method !== 'POST') {
        throw new ProtocolError('UnsupportedProtocol', 'use GET or POST');
      }
      // No vpc or cvm action takes a file: a multipart body is not read (send JSON).
      if (/^multipart\//i.test(header(req, 'content-type') ?? '')) {
        throw new ProtocolError('InvalidRequest', 'multipart/form-data bodies are not accepted here; send JSON');
      }
      note.action = header(req, 'x-tc-action');
      note.region = header(req, 'x-tc-region');
      const authorization = header(req, 'authorization');
      const v1Raw = req.method === 'GET' ? req.rawQuery : req.body.toString('utf8');
      let admitted: Admitted;
      if (authorization?.startsWith('TC3-HMAC-SHA256')) admitted = await admitTc3(req, note, authorization);
      else if (/(^|&)Signature=/.test(v1Raw)) admitted = await admitV1(req, note, v1Raw);
      else {
        throw new ProtocolError(
          'AuthFailure.InvalidAuthorization',
          'sign the request: a TC3-HMAC-SHA256 Authorization header, or a Signature parameter (v1)',
        );
      }
      note.action = admitted.action;
      note.appId = admitted.appId;
      note.region = admitted.region;
      def = route(req, admitted);
      product = def.product;
      note.product = product;
      // An admitted write is an event from here on, refused or not (docs/audit.md). A v1 signature
      // was claimed at admission already: the scope carries no claim.
      scope = requestScope(o.deps.db);
      const event = isWriteAction(def.name)
        ? eventDraft(note, { eventId: o.deps.ids.uuid(), eventTime: o.deps.now(), named: admitted.params })
        : null;
      scope.audit(event);
      const r = region(def, admitted.region);
      if (event && r) event.region = r.name;
      const at = {
        action: def.name,
        apiVersion: '3.0' as const,
        region: r?.name ?? '',
        account: admitted.appId,
        named: admitted.params,
        requestId,
      };
      const before = await faultAtDoor(o.faults, { ...at, phase: 'request' }, note);
      if (before) {
        await scope.settle(before.code);
        return errorEnvelope(before.code, before.message, requestId);
      }
      const input = readSchema(def.params, admitted.params);
      const caller = { appId: admitted.appId, region: r?.name ?? '', requestId };
      // After the change is committed (only a success made one), a rule may still lose the answer.
      const committed = async (response: Record<string, unknown>): Promise<V3Envelope> => {
        const after = 'Error' in response ? null : await faultAtDoor(o.faults, { ...at, phase: 'commit' }, note);
        return after ? errorEnvelope(after.code, after.message, requestId) : { Response: response };
      };
      const language = header(req, 'x-tc-language') === 'zh-CN' ? 'zh-CN' : 'en-US';
      const deps = { ...o.deps, db: scope.db };
      const run = async () => ({
        ...(await def!.handle({ deps, caller, language }, input)),
        RequestId: requestId,
      });
      const token = (input as { ClientToken?: unknown }).ClientToken;
      let response: Record<string, unknown>;
      if (typeof token !== 'string' || token === '' || !('ClientToken' in def.params)) response = await run();
      else {
        // The token's own bookkeeping is not the change: it uses the database directly.
        const key = { appId: admitted.appId, action: def.name, token };
        response = await withClientToken(o.deps.db, o.deps.now(), key, product, admitted.params, run);
        // The first call's answer again: that call's event records the one change there was.
        if (response.RequestId !== requestId) scope.audit(null);
      }
      await scope.settle('Success');
      return await committed(response);
    } catch (err) {
      if (err instanceof TransportFault) throw err;
      const answer = refusal(err);
      if (!scope) return answer;
      const code = (answer.Response.Error as { Code: string }).Code;
      return scope.settle(code).then(
        () => answer,
        (settleError: unknown) => refusal(settleError),
      );
    }

    function refusal(err: unknown): V3Envelope {
      if (err instanceof ProtocolError || err instanceof IdempotencyRefusal) {
        return errorEnvelope(err.code, err.message, requestId);
      }
      if (err instanceof DomainError) {
        const code = v3Code(err, { product, action: def?.name ?? '' });
        return errorEnvelope(code, messageOf(err, fieldNamer(def?.fields ?? {})), requestId);
      }
      o.log.error({ err, action: def?.name }, 'internal error');
      return errorEnvelope('InternalError', 'internal error; the request may be retried', requestId);
    }
  }
}

export function errorEnvelope(code: string, message: string, requestId: string): V3Envelope {
  return { Response: { Error: { Code: code, Message: message }, RequestId: requestId } };
}
