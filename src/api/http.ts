import http from 'node:http';
import type { Logger } from 'pino';
import type { Envelope, V2Request } from './v2/handler.ts';
import { V2_PATH } from './v2/signature.ts';
import { errorEnvelope, type V3Envelope, type V3Request } from './v3/handler.ts';
import { TransportFault } from './fault-door.ts';
import { newNote, type RequestNote } from './request-note.ts';
import type { AdminAccess } from '../control/access.ts';
import type { CallRecord } from '../observe/recent-calls.ts';
import { CONTROL_PREFIX, type ControlRequest, type ControlResponse } from '../control/routes.ts';

// Transport only: routes (health, /_vpceni/ → test control, /v2/index.php → v2, anything else →
// API 3.0), methods, size
// limits, absolute-form request lines, raw body bytes (TC3 signs them). API-level errors are the
// front doors' business and come back as HTTP 200 with a JSON envelope; on the 3.0 path transport
// refusals do too, since every 3.0 SDK turns another status into an error without a code.

export const MAX_QUERY_BYTES = 32 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;
/** A 3.0 JSON body may be larger than a form (10 MB). */
export const MAX_JSON_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpRoutes {
  v2(req: V2Request): Promise<Envelope>;
  v3(req: V3Request): Promise<V3Envelope>;
  /** A fresh RequestId for answers the 3.0 door gives before it runs. */
  requestId(): string;
  /** Ready to take traffic (database reachable, schema known); the reason when not. */
  ready(): Promise<string | null>;
  /** Test control under /_vpceni/ (docs/test-control.md). */
  control?(req: ControlRequest): Promise<ControlResponse>;
  /** Told of every API request once it is over: answered, dropped, timed out (docs/observability.md). */
  observe?(call: CallRecord): void;
  /** Operator pages served like test control (/metrics, /_vpceni/requests), by exact path. */
  operatorPages?: { paths: readonly string[]; serve(req: ControlRequest): Promise<ControlResponse> };
  /** The web console (docs/console.md): the requests it `owns` (`/console…`, a bare GET of `/`). */
  console?: {
    owns(req: http.IncomingMessage, url: URL): boolean;
    serve(req: http.IncomingMessage, res: http.ServerResponse, access: AdminAccess): Promise<void>;
  };
}

/** A snapshot import may be much larger than an API request. */
export const MAX_CONTROL_BODY_BYTES = 512 * 1024 * 1024;

const FAULT_HEADER = 'x-vpceni-fault';

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address));
}

/** The note of an API request, with what the transport knows of it. */
function requestNote(req: http.IncomingMessage, apiVersion: RequestNote['apiVersion']): RequestNote {
  const note = newNote(apiVersion, req.socket.remoteAddress ?? '');
  const agent = req.headers['user-agent'];
  if (agent) note.client = agent;
  const trace = req.headers.traceparent ?? req.headers['x-request-id'];
  if (typeof trace === 'string') note.traceparent = trace;
  return note;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the 413 goes out with `connection: close` and the socket goes with it.
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHttpServer(routes: HttpRoutes, log: Logger): http.Server {
  // The request line may carry a GET query far beyond its 32 KB limit: Node must let it through to
  // `handle`, which answers 414 as documented, instead of cutting it off with a bare 431.
  const server = http.createServer({ maxHeaderSize: MAX_BODY_BYTES }, (req, res) => {
    void handle(req, res)
      .catch((err: unknown) => {
        if (err instanceof TransportFault) return transportFault(err, req, res);
        log.error({ err }, 'request failed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
      })
      .finally(() => handlerDone.get(res)?.());
  });
  /** An API request's part in its own observation, by its response: the handler has finished. */
  const handlerDone = new WeakMap<http.ServerResponse, () => void>();
  /** The API request a connection is carrying, for a timeout Node reports on the connection. */
  const inFlight = new WeakMap<object, RequestNote>();

  /**
   * The note of an API request, handed to `routes.observe` once both its handler has finished and
   * its response has closed: a client gone early does not cut short the record of what ran.
   */
  function observed(req: http.IncomingMessage, res: http.ServerResponse, apiVersion: RequestNote['apiVersion']) {
    const note = requestNote(req, apiVersion);
    const at = Date.now();
    const started = performance.now();
    inFlight.set(req.socket, note);
    let waiting = 2;
    const settle = () => {
      if (--waiting > 0) return;
      if (inFlight.get(req.socket) === note) inFlight.delete(req.socket);
      // No door or transport branch named the outcome: the status that went out, or none did.
      note.code ??= res.writableFinished ? `HTTP${res.statusCode}` : 'Aborted';
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      try {
        routes.observe?.({ ...note, at, durationMs });
      } catch (err) {
        log.error({ err }, 'observing a request failed');
      }
    };
    handlerDone.set(res, settle);
    res.once('close', settle);
    return note;
  }
  server.keepAliveTimeout = 65_000;
  // What Node's HTTP parser refuses (headers over the limit, malformed requests) still gets the
  // JSON error body every transport-level answer has, not Node's bare status line.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const note = inFlight.get(socket);
    if (note && timedOut) note.code ??= 'Timeout';
    if (!socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : timedOut ? 408 : 400;
    const text = JSON.stringify({
      error:
        status === 431
          ? 'request line and headers larger than 1 MB'
          : timedOut
            ? 'the request was not received in time'
            : 'malformed HTTP request',
    });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    );
  });

  /** What the operator surfaces' access rule (control/access.ts) needs to know of a request. */
  function adminAccess(req: http.IncomingMessage): AdminAccess {
    const bound = server.address();
    return {
      loopbackListener: typeof bound === 'object' && bound !== null && isLoopback(bound.address),
      authorization: req.headers.authorization,
    };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    // Absolute form (`POST http://vpc.api.qcloud.com/v2/index.php`): the client used us as its proxy.
    const absolute = /^https?:\/\//i.test(target);
    let url: URL;
    try {
      url = new URL(target, 'http://placeholder');
    } catch {
      return send(res, 400, { error: 'malformed request target' });
    }
    const host = absolute ? url.host : (req.headers.host ?? '');
    const path = url.pathname;

    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const reason = await routes.ready();
      return send(res, reason ? 503 : 200, reason ? { status: 'unavailable', reason } : { status: 'ready' });
    }
    if (routes.operatorPages?.paths.includes(path)) return control(req, res, url, routes.operatorPages.serve);
    if (routes.console?.owns(req, url)) return routes.console.serve(req, res, adminAccess(req));
    if (path.startsWith(CONTROL_PREFIX) && routes.control) return control(req, res, url, routes.control);
    if (path !== V2_PATH) return v3(req, res, target, host, path);

    const note = observed(req, res, 'v2');
    const reply = async (answer: Promise<Envelope>) => {
      const body = await answer;
      send(res, 200, body, note.faultRule ? { [FAULT_HEADER]: note.faultRule } : {});
    };
    if (req.method === 'GET') {
      const q = target.indexOf('?');
      const raw = q < 0 ? '' : target.slice(q + 1);
      if (Buffer.byteLength(raw) > MAX_QUERY_BYTES)
        return send(res, 414, { error: 'query string larger than 32 KB; use POST' });
      return reply(routes.v2({ method: 'GET', host, raw, note }));
    }
    if (req.method === 'POST') {
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === null) return send(res, 413, { error: 'body larger than 1 MB' }, { connection: 'close' });
      return reply(routes.v2({ method: 'POST', host, raw: raw.toString('utf8'), note }));
    }
    return send(res, 405, { error: 'use GET or POST' }, { allow: 'GET, POST' });
  }

  /** A fault rule's transport effect: the connection dropped without an answer, or a non-200. */
  function transportFault(f: TransportFault, req: http.IncomingMessage, res: http.ServerResponse): void {
    const note = inFlight.get(req.socket);
    if (note) note.code = 'drop' in f.effect ? 'Dropped' : `HTTP${f.effect.status}`;
    if ('drop' in f.effect) {
      req.socket.destroy();
      return;
    }
    const headers = { [FAULT_HEADER]: f.ruleId, connection: 'close' };
    if (f.effect.body === undefined)
      return send(res, f.effect.status, { error: `injected by fault rule ${f.ruleId}` }, headers);
    res.writeHead(f.effect.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(f.effect.body);
  }

  async function control(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    handler: (r: ControlRequest) => Promise<ControlResponse>,
  ): Promise<void> {
    const body =
      req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, MAX_CONTROL_BODY_BYTES);
    if (body === null) return send(res, 413, { error: 'body larger than 512 MB' }, { connection: 'close' });
    const answer = await handler({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      body,
      ...adminAccess(req),
    });
    if (answer.raw === undefined) return send(res, answer.status, answer.body, answer.headers);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(answer.raw),
      ...answer.headers,
    });
    res.end(answer.raw);
  }

  async function v3(req: http.IncomingMessage, res: http.ServerResponse, target: string, host: string, path: string) {
    const note = observed(req, res, '3.0');
    const trace = req.headers['x-tc-traceid'];
    const headers: http.OutgoingHttpHeaders = typeof trace === 'string' ? { 'x-tc-traceid': trace } : {};
    // Exactly application/json: the Python SDK and tccli look for an error only then.
    const reply = (body: V3Envelope, extra: http.OutgoingHttpHeaders = {}) =>
      send(res, 200, body, { 'content-type': 'application/json', ...headers, ...extra });
    const tooLarge = (what: string) => {
      note.requestId = routes.requestId();
      note.code = 'RequestSizeLimitExceeded';
      return reply(errorEnvelope(note.code, what, note.requestId), { connection: 'close' });
    };
    const q = target.indexOf('?');
    const rawQuery = q < 0 ? '' : target.slice(q + 1);
    if (req.method === 'GET' && Buffer.byteLength(target) > MAX_QUERY_BYTES)
      return tooLarge('a GET request is limited to 32 KB; use POST');
    const json = !/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
    const limit = json ? MAX_JSON_BODY_BYTES : MAX_BODY_BYTES;
    const body = req.method === 'POST' ? await readBody(req, limit) : Buffer.alloc(0);
    if (body === null) return tooLarge(`the body is limited to ${json ? '10 MB' : '1 MB'}`);
    const answer = await routes.v3({
      method: req.method ?? '',
      host,
      path,
      rawQuery,
      headers: req.headers,
      body,
      note,
    });
    return reply(answer, note.faultRule ? { [FAULT_HEADER]: note.faultRule } : {});
  }

  return server;
}
