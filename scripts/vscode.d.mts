import type { Browser } from 'playwright-core';

export interface VSCodeServer {
  url: string;
  port: number;
  logFile: string;
  dirs: Record<'user-data' | 'server-data' | 'extensions' | 'tmp', string>;
  remoteUri(path: string): string;
  stop(): Promise<void>;
}

export const root: string;
export const QUIET_WORKBENCH_SETTINGS: Record<string, unknown>;
export function freePort(): Promise<number>;
export function startVSCodeServer(options: {
  runDir: string;
  smokeTestDriver?: boolean;
  wrapper?: boolean;
  port?: number;
  extraArgs?: string[];
  env?: Record<string, string>;
}): Promise<VSCodeServer>;
export function stopGroup(child: import('node:child_process').ChildProcess): Promise<void>;
export function workbenchUrl(
  server: VSCodeServer,
  options: { folder: string; payload?: Array<[string, string]> },
): string;
export function launchChromium(): Promise<Browser>;
