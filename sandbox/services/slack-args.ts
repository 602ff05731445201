/** How Slack's Web API reads arguments: query, form or JSON, with loose booleans and lists. */
import type { IncomingMessage } from 'node:http';

import { isRecord, parseJson, readBody, requestUrl } from './http';

export type Args = Record<string, unknown>;

/** Arguments from the query, then a form or JSON body, whichever the client sent. */
export async function readArgs(req: IncomingMessage): Promise<Args> {
  const args: Args = Object.fromEntries(requestUrl(req).searchParams);
  const text = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const json = parseJson(text);
    if (isRecord(json)) {
      Object.assign(args, json);
    }
  } else if (text !== '') {
    Object.assign(args, Object.fromEntries(new URLSearchParams(text)));
  }
  return args;
}

export function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

export function decodeCursor(cursor: unknown): number | undefined {
  if (cursor === undefined || cursor === '') {
    return 0;
  }
  const match = /^offset:(\d+)$/.exec(Buffer.from(String(cursor), 'base64').toString('utf8'));
  return match === null ? undefined : Number(match[1]);
}
