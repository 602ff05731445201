/**
 * The messages between a log panel (webview) and the extension, declared once and imported by
 * both sides. The extension validates every message it receives: a webview is untrusted input.
 */
import * as v from 'valibot';

/** Levels the filter bar offers; DEBUG and TRACE lines show when no level is chosen. */
export const FILTER_LEVELS = ['ERROR', 'WARN', 'INFO'] as const;

/** The `since` choices of the toolbar, in seconds; `custom` is typed by the user. */
export const SINCE_CHOICES = [
  { label: 'all', seconds: undefined },
  { label: '5m', seconds: 300 },
  { label: '15m', seconds: 900 },
  { label: '1h', seconds: 3600 },
] as const;

/** Longest `since` accepted: a week, beyond which kubelets have rotated the log anyway. */
export const MAX_SINCE_SECONDS = 7 * 24 * 3600;
/** Largest `tail` accepted; the panel's line budget bounds what is kept anyway. */
export const MAX_TAIL_LINES = 1_000_000;

/** How the log is requested; changing any of these restarts the stream. */
export const StreamOptionsSchema = v.object({
  /** Keep the stream open and show lines as they are written. */
  follow: v.boolean(),
  /** Only lines newer than this many seconds; absent for the whole log. */
  sinceSeconds: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SINCE_SECONDS)),
  ),
  /** Only the last N lines; absent for all. */
  tailLines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_TAIL_LINES))),
  /** The previous, crashed instance of the container. */
  previous: v.boolean(),
  /** The container to read (init containers too); absent lets the server pick a single one. */
  container: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), v.maxLength(63)),
  ),
});
export type StreamOptions = v.InferOutput<typeof StreamOptionsSchema>;

/** The filter bar; applied to lines already shown and to those arriving later. */
export const FilterSpecSchema = v.object({
  levels: v.pipe(v.array(v.picklist(FILTER_LEVELS)), v.maxLength(FILTER_LEVELS.length)),
  include: v.pipe(v.string(), v.maxLength(1000)),
  exclude: v.pipe(v.string(), v.maxLength(1000)),
});
export type FilterSpec = v.InferOutput<typeof FilterSpecSchema>;

/** Display choices the page applies on its own, kept in its state across reloads. */
export interface ViewOptions {
  wrap: boolean;
  timestamps: boolean;
}

/** What a panel shows: one pod (optionally one container), or every pod of a Deployment. */
export type LogTarget = { kind: 'pod'; pod: string } | { kind: 'workload'; deployment: string };

export const LogTargetSchema = v.variant('kind', [
  v.object({ kind: v.literal('pod'), pod: v.pipe(v.string(), v.minLength(1), v.maxLength(253)) }),
  v.object({
    kind: v.literal('workload'),
    deployment: v.pipe(v.string(), v.minLength(1), v.maxLength(253)),
  }),
]);

/** One entry as the page renders it: a line and its stack trace. */
export interface LogRow {
  /** Increasing within the panel; identifies the row across batches. */
  seq: number;
  /** The pod it came from, in workload mode; shown as a coloured chip. */
  pod?: string;
  /** The server's RFC3339 timestamp, shown when timestamps are on. */
  timestamp?: string;
  level?: string;
  /** The first line as written, ANSI colour codes included (the page renders them safely). */
  text: string;
  /** Stack trace lines that belong to this entry. */
  continuation: string[];
}

/** A line the panel itself writes into the log: a reconnect, a waiting container, an error. */
export interface LogNotice {
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** What the responder can do about it, when there is something. */
  hint?: string;
}

/** A container of the pod, for the container picker. */
export interface ContainerChoice {
  name: string;
  init: boolean;
}

/** Where the stream stands, for the toolbar's status text. */
export type StreamState = 'connecting' | 'streaming' | 'ended' | 'failed';

/** Extension → page. */
export type ToLogPage =
  | {
      type: 'init';
      target: LogTarget;
      title: string;
      containers: ContainerChoice[];
      /** The container read when none is chosen (kubectl's choice), for the picker's label. */
      defaultContainer?: string;
      options: StreamOptions;
      filter: FilterSpec;
      /** Most lines the page keeps; older ones are dropped with a marker. */
      lineBudget: number;
    }
  /** Replaces what the page shows (after a filter change, a restart or a clear). */
  | { type: 'reset'; rows: LogRow[] }
  /** Entries that arrived and pass the filter, batched (at most one message per interval). */
  | { type: 'append'; rows: LogRow[] }
  | { type: 'notice'; notice: LogNotice }
  | { type: 'state'; state: StreamState; detail?: string }
  /** Lines dropped so far to stay within the budget; shown as a marker above the first row. */
  | { type: 'dropped'; lines: number }
  /** The filter bar's pattern that cannot be used, or `undefined` once both compile. */
  | { type: 'filterError'; field?: 'include' | 'exclude'; message?: string };

/** Page → extension. */
export const FromLogPageSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('setOptions'), options: StreamOptionsSchema }),
  v.object({ type: v.literal('setFilter'), filter: FilterSpecSchema }),
  /** Copies the page's selection, or every line that passes the filter when nothing is selected. */
  v.object({
    type: v.literal('copy'),
    selection: v.optional(v.pipe(v.string(), v.maxLength(10_000_000))),
  }),
  /** Saves to a file; `filtered`: a filter is on, so its lines are offered before the whole buffer. */
  v.object({ type: v.literal('save'), filtered: v.boolean() }),
  v.object({ type: v.literal('clear') }),
  /** Log entries (not notices) the page holds after a batch: what reached the screen. */
  v.object({ type: v.literal('rendered'), rows: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
]);
export type FromLogPage = v.InferInput<typeof FromLogPageSchema>;

/** What the page keeps in its webview state, so a reload reopens the same log the same way. */
export interface LogPageState {
  target: LogTarget;
  options: StreamOptions;
  filter: FilterSpec;
  view: ViewOptions;
}

export const LogPageStateSchema = v.object({
  target: LogTargetSchema,
  options: StreamOptionsSchema,
  filter: FilterSpecSchema,
  view: v.object({ wrap: v.boolean(), timestamps: v.boolean() }),
});
