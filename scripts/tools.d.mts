export const root: string;
export const cacheDir: string;
export function ensureNode24(): string;
export function node24Env(extra?: Record<string, string>): NodeJS.ProcessEnv;
export function ensureVSCodeServer(): string;
export function ensureKubectl(): string;
export function chromiumPath(): string;
