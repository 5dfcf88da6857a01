import type { Logger } from '../log.ts';
import type { CallRecord } from './recent-calls.ts';

// The access log: one pino line at `info` per API request, with what correlates it (RequestId,
// task, inbound trace id) and who sent it. A SecretId is shown only by its prefix.

/** The first 8 characters and an ellipsis; never more than half of a short id. */
export function secretIdPrefix(secretId: string): string {
  return `${secretId.slice(0, Math.min(8, Math.floor(secretId.length / 2)))}…`;
}

/** A call as the log and /_vpceni/requests show it: the SecretId cut to its prefix. */
export function redacted(call: CallRecord): CallRecord {
  return call.secretId === undefined ? call : { ...call, secretId: secretIdPrefix(call.secretId) };
}

export function logAccess(log: Logger, call: CallRecord): void {
  log.info(
    {
      requestId: call.requestId,
      action: call.action,
      apiVersion: call.apiVersion,
      region: call.region,
      appId: call.appId,
      secretId: call.secretId === undefined ? undefined : secretIdPrefix(call.secretId),
      sourceIp: call.sourceIp,
      client: call.client,
      code: call.code,
      durationMs: call.durationMs,
      taskId: call.taskId,
      traceparent: call.traceparent,
      faultRule: call.faultRule,
    },
    'api request',
  );
}
