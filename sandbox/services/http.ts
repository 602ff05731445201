import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the sandbox reads; real APIs reject far smaller payloads than this. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new Error(`request body larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses `text` as JSON, or returns `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Narrows an unknown value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Writes a JSON answer; the body is serialised once so `Content-Length` is exact. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Splits a request URL into its path and query, whatever host the client used. */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://sandbox.invalid');
}

/** The base URL the client reached the sandbox at, for `self` links in answers. */
export function originOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** The token of an `Authorization: <scheme> <token>` header, if the scheme matches. */
export function authorizationToken(
  req: IncomingMessage,
  schemes: readonly string[],
): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) {
    return undefined;
  }
  for (const scheme of schemes) {
    if (header.toLowerCase().startsWith(scheme.toLowerCase())) {
      return header.slice(scheme.length).trim();
    }
  }
  return undefined;
}

/** An ISO 8601 timestamp without milliseconds, the way PagerDuty and Statuspage print them. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
