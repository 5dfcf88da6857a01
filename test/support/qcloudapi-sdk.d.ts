declare module 'qcloudapi-sdk' {
  interface Options {
    SecretId: string;
    SecretKey: string;
    Region?: string;
    serviceType?: string;
    host?: string;
    protocol?: string;
    method?: string;
    signatureMethod?: 'sha1' | 'sha256';
  }
  class QcloudApi {
    constructor(defaults: Options);
    request(data: Record<string, unknown>, callback: (err: Error | null, body: unknown) => void): void;
    request(
      data: Record<string, unknown>,
      opts: Record<string, unknown>,
      callback: (err: Error | null, body: unknown) => void,
      extra?: Record<string, unknown>,
    ): void;
  }
  export default QcloudApi;
}
