import type { SandboxEndpoints } from '../sandbox/endpoints';

export function startSandboxProcess(options: {
  stateDir: string;
  args?: string[];
  echo?: boolean;
}): Promise<{
  endpointsFile: string;
  endpoints: SandboxEndpoints;
  logFile: string;
  died(): string | undefined;
  stop(): Promise<void>;
}>;
export function sandboxSettings(endpoints: SandboxEndpoints): Record<string, unknown>;
