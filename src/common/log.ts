/**
 * The one logging interface of the code that does not import `vscode`. In the extension it is
 * backed by a leveled `LogOutputChannel`; in tests and the sandbox by the console or nothing.
 * Every line carries a `[component]` tag, and secrets are redacted here, by the logger itself,
 * so no caller can forget to.
 */
export interface Log {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = keyof Log;

/** A sink that receives already-tagged, already-redacted lines. */
export type LogSink = (level: LogLevel, line: string) => void;

const SECRET_PATTERNS: readonly RegExp[] = [
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxs-, xapp-.
  /\b(xox[abps]|xapp)-[A-Za-z0-9-]{8,}/g,
  // Authorization headers and bearer tokens, PagerDuty's "Token token=…" included.
  /\b(Bearer|Token token=)\s*[A-Za-z0-9._~+/=-]{6,}/gi,
  // password=…, "password": "…", token: … in URLs, JSON or key-value text.
  /((?:password|passwd|token|secret|api[_-]?key)["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
  // Credentials in URLs: scheme://user:password@host.
  /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+(@)/gi,
];

/** Replaces anything that looks like a credential with `***`. */
export function redact(text: string): string {
  let result = text;
  result = result.replace(SECRET_PATTERNS[0]!, '$1-***');
  result = result.replace(SECRET_PATTERNS[1]!, (_match, scheme: string) => `${scheme} ***`);
  result = result.replace(SECRET_PATTERNS[2]!, '$1***');
  result = result.replace(SECRET_PATTERNS[3]!, '$1***$2');
  return result;
}

/** A `Log` for one component, writing `[component] message` lines to a sink. */
export function createLog(component: string, sink: LogSink): Log {
  const write = (level: LogLevel) => (message: string) =>
    sink(level, redact(`[${component}] ${message}`));
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

/** Discards everything; for code paths where logging is not wanted. */
export const silentLog: Log = createLog('silent', () => undefined);
