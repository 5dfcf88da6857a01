import type { Logger } from 'pino';
import type { ActionDef } from './action.ts';
import { readSchema } from './schema.ts';
import type { Deps } from '../../domain/deps.ts';
import { DomainError, fail, fieldNamer, messageOf } from '../../domain/errors.ts';
import { ALL_CODE_DESCS, codeOf, v2CodeDesc, type CodeDesc } from './errors.ts';
import { faultAtDoor, TransportFault, type DoorFaults, type InjectedError } from '../fault-door.ts';
import { newNote, type RequestNote } from '../request-note.ts';
import type { Authenticator } from './authenticate.ts';
import { decodeForm, printable, FormParams } from './params.ts';
import { eventDraft, isWriteAction, requestScope, type RequestScope } from '../request-scope.ts';

// The v2 pipeline: decode → admit (auth) → find the Action → validate its parameters → run it →
// render the envelope. Every API-level answer, success or failure, is one JSON object.

export interface V2Request {
  method: 'GET' | 'POST';
  /** The Host the client addressed (header, or the absolute-form request line). */
  host: string;
  /** The raw query string (GET) or form body (POST). */
  raw: string;
  /** Filled in for the HTTP layer (the fault rule that fired). */
  note?: RequestNote;
}

export type Envelope = Record<string, unknown> & { code: number; message: string; codeDesc: string };

export function v2Handler(o: {
  deps: Deps;
  auth: Authenticator;
  actions: ReadonlyMap<string, ActionDef>;
  log: Logger;
  faults?: DoorFaults;
}): (req: V2Request) => Promise<Envelope> {
  /** An injected error, in v2's envelope; a code outside the catalogue (forced) is a rule class. */
  const injected = (e: InjectedError): Envelope => ({
    code: ALL_CODE_DESCS.includes(e.code as CodeDesc) ? codeOf(e.code as CodeDesc) : 5100,
    message: e.message,
    codeDesc: e.code,
  });
  return async (req) => {
    const note = req.note ?? newNote('v2', '');
    const answer = await handle(req, note);
    note.code = answer.codeDesc;
    const taskId = (answer as { taskId?: unknown }).taskId;
    if (typeof taskId === 'number') note.taskId = taskId;
    return answer;
  };

  async function handle(req: V2Request, note: RequestNote): Promise<Envelope> {
    let action = '';
    let scope: RequestScope | undefined;
    try {
      const pairs = decodeForm(req.raw);
      const params = new FormParams(pairs);
      // Known before admission, so that a refused request is still described by what it asked.
      const first = (name: string) => pairs.find(([k]) => k === name)?.[1];
      note.action = first('Action');
      note.product = 'vpc';
      note.secretId = first('SecretId');
      note.region = first('Region');
      note.client = first('RequestClient') ?? note.client;
      const admitted = await o.auth.admit(req.method, req.host, pairs, params);
      action = admitted.action;
      note.appId = admitted.appId;
      scope = requestScope(o.deps.db, admitted.signature);
      const def = o.actions.get(admitted.action);
      if (!def) fail('unknownAction', `Action ${printable(admitted.action)} is not supported`);
      const requestId = o.deps.ids.uuid();
      note.requestId = requestId;
      // An admitted write is an event from here on, refused or not (docs/audit.md).
      const event = isWriteAction(def.name)
        ? eventDraft(note, { eventId: o.deps.ids.uuid(), eventTime: o.deps.now(), named: pairs })
        : null;
      scope.audit(event);
      const region = o.deps.catalogue.region(admitted.region);
      if (!region) fail('unknownRegion', `common parameter Region ${printable(admitted.region)} names no region`);
      if (event) event.region = region.name;
      const at = {
        action,
        apiVersion: 'v2' as const,
        region: region.name,
        account: admitted.appId,
        named: pairs,
        requestId,
      };
      const before = await faultAtDoor(o.faults, { ...at, phase: 'request' }, note);
      if (before) {
        const answer = injected(before);
        await scope.settle(answer.codeDesc);
        return answer;
      }
      const input = readSchema(def.params, params);
      const deps = { ...o.deps, db: scope.db };
      const caller = { appId: admitted.appId, region: region.name, requestId };
      const out = await def.handle({ deps, caller }, input);
      await scope.settle('Success');
      const after = await faultAtDoor(o.faults, { ...at, phase: 'commit' }, note);
      if (after) return injected(after);
      return { code: 0, message: '', codeDesc: 'Success', ...out };
    } catch (caught) {
      // Admitted but refused, or failed: the signature still counts as used, a replay answers 4500
      // before anything the action said, and a refused write is an event with the refusal's code
      // (a dropped connection answered nothing: no event of its own).
      if (!scope) return refusal(caught);
      const answer = caught instanceof TransportFault ? null : refusal(caught);
      const settleError = await scope.settle(answer?.codeDesc ?? null).then(
        () => null,
        (claimErr: unknown) => claimErr,
      );
      if (settleError) return refusal(settleError);
      if (caught instanceof TransportFault) throw caught;
      return answer!;
    }

    function refusal(err: unknown): Envelope {
      if (err instanceof TransportFault) throw err;
      if (err instanceof DomainError) {
        const codeDesc = v2CodeDesc(err);
        const named = fieldNamer(o.actions.get(action)?.fields ?? {});
        return { code: codeOf(codeDesc), message: messageOf(err, named), codeDesc };
      }
      o.log.error({ err, action }, 'internal error');
      return { code: 6000, message: 'internal error; the request may be retried', codeDesc: 'InternalError' };
    }
  }
}
