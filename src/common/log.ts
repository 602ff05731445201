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

/** What looks like a credential, and what it becomes: the kind is kept, the secret is not. */
const SECRETS: ReadonlyArray<readonly [RegExp, string]> = [
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxs-, xapp-.
  [/\b(xox[abps]|xapp)-[A-Za-z0-9-]{8,}/g, '$1-***'],
  // GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_ and fine-grained github_pat_.
  [/\b(gh[pousr]|github_pat)_[A-Za-z0-9_]{20,}/g, '$1_***'],
  // AWS access key ids.
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '$1***'],
  // JSON Web Tokens: a base64url header that opens with `{"`, a payload and a signature.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, 'eyJ***'],
  // Authorization headers and bearer tokens, PagerDuty's "Token token=…" included.
  [/\b(Bearer|Token token=)\s*[A-Za-z0-9._~+/=-]{6,}/gi, '$1 ***'],
  // password=…, "password": "…", token: … in URLs, JSON or key-value text.
  [/((?:password|passwd|token|secret|api[_-]?key)["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi, '$1***'],
  // "the password hunter2", "pw hunter2;", "--password s3cret!": a word after "password" (or
  // pw, pwd) with a digit or a symbol in it, as secrets have and the words of a sentence
  // ("password reset") do not. A closing ; or , stays.
  [
    /(\b(?:pass(?:word|wd|phrase)|pwd?)\s+(?:is\s+)?)(?=[^\s"'&,;}]*[0-9!@#$%^&*+=?~])[^\s"'&,;}]+/gi,
    '$1***',
  ],
  // Credentials in URLs: scheme://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+(@)/gi, '$1***$2'],
];

/** Replaces anything that looks like a credential with `***`. */
export function redact(text: string): string {
  return SECRETS.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
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
