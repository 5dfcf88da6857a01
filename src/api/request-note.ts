// What one API request turned out to be, filled in by its front door as it learns each fact and
// read by the HTTP layer when the answer has gone out: the access log, the metrics, the recent
// calls and the audit trail all describe a request from this one record (docs/observability.md).

export interface RequestNote {
  /** 'v2' for /v2/index.php, '3.0' for everything else the doors serve. */
  apiVersion: 'v2' | '3.0';
  /** The peer address of the connection. */
  sourceIp: string;
  /** X-TC-RequestClient (3.0), the RequestClient parameter (v2), else the User-Agent. */
  client?: string;
  /** Inbound trace headers, logged beside the RequestId. */
  traceparent?: string;
  /** The RequestId the answer carries (v2: the one its task records). */
  requestId?: string;
  /** The action's wire name, once the door has read it (even when it names nothing we serve). */
  action?: string;
  /** The product of a 3.0 action (vpc, cvm, tag); v2 is always vpc. */
  product?: string;
  region?: string;
  appId?: number;
  secretId?: string;
  /** The answer's code: 'Success', or the error code (v2: its codeDesc). */
  code?: string;
  /** The task the answer hands out, for an async action. */
  taskId?: number | string;
  /** The fault rule that fired on the request, if one did. */
  faultRule?: string;
}

/** A note for a request the door has not read yet. */
export function newNote(apiVersion: RequestNote['apiVersion'], sourceIp: string): RequestNote {
  return { apiVersion, sourceIp };
}
