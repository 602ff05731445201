/**
 * ANSI escape sequences of container logs, turned into styled text segments. The page writes
 * each segment with `textContent` and a class (`fg-1`, `bold`…) whose colour is a VS Code
 * terminal theme variable, so no log line ever becomes HTML and colours follow the theme.
 * Only SGR (`ESC[…m`) styles are kept; every other control sequence (cursor moves, `ESC[2K`,
 * OSC titles and links) and control character except tab is removed, never shown as text.
 * 256-colour codes above 15 and 24-bit colours have no theme variable and show as default text.
 */

/** A run of text with one style; colours are 0–15 (the theme's 16 terminal colours). */
export interface AnsiSegment {
  text: string;
  fg?: number;
  bg?: number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

type Style = Omit<AnsiSegment, 'text'>;

// CSI sequences (parameters, intermediates, final byte) and OSC sequences (ended by BEL or ST).
const ESCAPE =
  // eslint-disable-next-line no-control-regex
  /\u001b\[([0-9;:?<=>]*)[ -/]*([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let next: Style = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 22) next.bold = next.dim = undefined;
    else if (code === 23) next.italic = undefined;
    else if (code === 24) next.underline = undefined;
    else if (code === 27) next.inverse = undefined;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code === 39) next.fg = undefined;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code === 49) next.bg = undefined;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 38 || code === 48) {
      const mode = codes[i + 1];
      const color = mode === 5 ? codes[i + 2] : undefined;
      const value = color !== undefined && color < 16 ? color : undefined;
      if (code === 38) next.fg = value;
      else next.bg = value;
      i += mode === 5 ? 2 : mode === 2 ? 4 : 1;
    }
  }
  for (const key of Object.keys(next) as (keyof Style)[]) {
    if (next[key] === undefined) delete next[key];
  }
  return next;
}

/** Splits a line into styled segments, dropping every escape and control character. */
export function parseAnsi(input: string): AnsiSegment[] {
  if (!input.includes('\u001b')) {
    const text = input.replace(CONTROL, '');
    return text ? [{ text }] : [];
  }
  const segments: AnsiSegment[] = [];
  let style: Style = {};
  let last = 0;
  const push = (raw: string) => {
    const text = raw.replace(CONTROL, '');
    if (text) segments.push({ text, ...style });
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(input); m; m = ESCAPE.exec(input)) {
    push(input.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  push(input.slice(last));
  return segments;
}

/** The text a person sees: escapes and control characters removed. */
export function visibleText(input: string): string {
  return parseAnsi(input)
    .map((s) => s.text)
    .join('');
}
