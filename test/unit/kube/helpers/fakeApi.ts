import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createLog } from '../../../../src/common/log';
import type { Log } from '../../../../src/common/log';

/** One request the fake API server received. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

/** A loopback HTTP server standing in for the Kubernetes API, answering what the test says. */
export interface FakeApi {
  url: string;
  requests: SeenRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeApi(handler: Handler = notFound): Promise<FakeApi> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers });
    current(req, res, url);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      current = h;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notFound(_req: http.IncomingMessage, res: http.ServerResponse): void {
  sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
}

export function sendJson(
  res: http.ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Answers with a `Status` object the way the API server does. */
export function sendStatus(
  res: http.ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    code,
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
    headers,
  );
}

/** A temporary folder removed by `dispose`. */
export function tempDir(): {
  dir: string;
  write(name: string, text: string, mode?: number): string;
  dispose(): void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'freelms-kube-'));
  return {
    dir,
    write(name, text, mode) {
      const file = path.join(dir, name);
      writeFileSync(file, text, mode === undefined ? undefined : { mode });
      return file;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A kubeconfig with one token user pointing at `server`. */
export function tokenKubeconfig(
  server: string,
  context = 'sandbox',
  token = 'sandbox-token',
): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}-cluster`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${context}-user`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}-cluster`,
    `    user: ${context}-user`,
    `current-context: ${context}`,
    '',
  ].join('\n');
}

/** A log that keeps its lines for assertions. */
export function memoryLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return { log: createLog('kube', (level, line) => lines.push(`${level} ${line}`)), lines };
}
