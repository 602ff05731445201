/**
 * The log list's virtual layout. Every row's height is a whole number of text lines, known
 * without measuring the DOM: the font is monospace and wrapping breaks anywhere
 * (`word-break: break-all`), so a line of n characters in a c-column viewport takes
 * ceil(n / c) lines. A row is its first line plus its stack trace lines. Offsets are prefix
 * sums, found by binary search, so scrolling a million rows touches only the visible ones and
 * a resize or a wrap toggle recomputes heights in one pass. `@tanstack/virtual-core` would
 * measure rendered rows instead; with exact heights there is nothing to measure.
 * Wide characters (CJK, emoji) take two columns but count as one here: a wrapped row holding
 * them can be cut at its bottom edge instead of overlapping the next row.
 */

/** Visual lines of one physical line: tabs expand to `tabSize`, at least 1. */
export function wrappedLines(length: number, columns: number): number {
  if (columns < 1) return 1;
  return Math.max(1, Math.ceil(length / columns));
}

/** Character length with tabs expanded, as the page renders it (`tab-size`). */
export function expandedLength(text: string, tabSize = 4): number {
  let tabs = 0;
  for (let i = text.indexOf('\t'); i >= 0; i = text.indexOf('\t', i + 1)) tabs++;
  return text.length + tabs * (tabSize - 1);
}

/** Prefix sums of row heights (in lines), with cheap appends and drops at the front. */
export class RowLayout {
  /** offsets[i] is the top of row i (from `base`), offsets[length] the bottom. */
  private offsets: number[] = [0];
  private base = 0;

  /** Rows laid out. */
  get length(): number {
    return this.offsets.length - 1 - this.base;
  }

  /** Total height in lines. */
  get height(): number {
    return this.offsets[this.offsets.length - 1]! - this.offsets[this.base]!;
  }

  /** Replaces every row's height. */
  reset(heights: readonly number[]): void {
    this.offsets = new Array<number>(heights.length + 1);
    this.offsets[0] = 0;
    for (let i = 0; i < heights.length; i++) this.offsets[i + 1] = this.offsets[i]! + heights[i]!;
    this.base = 0;
  }

  append(heights: readonly number[]): void {
    let bottom = this.offsets[this.offsets.length - 1]!;
    for (const h of heights) this.offsets.push((bottom += h));
  }

  /** Forgets the first n rows (dropped to stay within the line budget). */
  dropFront(n: number): void {
    this.base = Math.min(this.base + n, this.offsets.length - 1);
    // Compact now and then, so memory follows what is kept.
    if (this.base > 1024 && this.base * 2 > this.offsets.length) {
      const origin = this.offsets[this.base]!;
      this.offsets = this.offsets.slice(this.base).map((o) => o - origin);
      this.base = 0;
    }
  }

  /** Top of row i, in lines. */
  top(i: number): number {
    return this.offsets[this.base + i]! - this.offsets[this.base]!;
  }

  /** Height of row i, in lines. */
  heightOf(i: number): number {
    return this.offsets[this.base + i + 1]! - this.offsets[this.base + i]!;
  }

  /** The row at a line offset (clamped). */
  indexAt(line: number): number {
    const target = line + this.offsets[this.base]!;
    let lo = this.base;
    let hi = this.offsets.length - 2;
    if (hi < lo) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo - this.base;
  }

  /** Rows to render for a viewport (in lines), with `overscan` rows either side; end exclusive. */
  visible(topLine: number, heightLines: number, overscan = 5): { start: number; end: number } {
    if (this.length === 0) return { start: 0, end: 0 };
    const first = this.indexAt(Math.max(0, topLine));
    const last = this.indexAt(topLine + heightLines);
    return {
      start: Math.max(0, first - overscan),
      end: Math.min(this.length, last + 1 + overscan),
    };
  }
}
