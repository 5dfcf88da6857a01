// A client of the test-control endpoints (/_vpceni/...), as a test suite of a user would write one:
// plain fetch, JSON in and out.

export interface ControlAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export function controlClient(host: string, o: { token?: string } = {}) {
  const call = async (method: string, path: string, body?: unknown): Promise<ControlAnswer> => {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`http://${host}/_vpceni/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // a non-JSON body stays text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    call,
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    put: (path: string, body?: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

export type ControlClient = ReturnType<typeof controlClient>;
