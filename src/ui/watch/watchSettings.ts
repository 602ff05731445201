import * as vscode from 'vscode';

import { DEFAULT_WATCH_MINUTES } from '../../incident/derive';
import type { NewEvent } from '../../incident/model';
import { SETTINGS_SECTION } from '../ids';

/** The monitoring watch's settings, read when needed so a change applies to the next round. */
export interface WatchSettings {
  /** Length of a watch that starts now (`freelms.watch.minutes`). */
  minutes: number;
  /** Seconds between two rounds of checks (`freelms.watch.intervalSeconds`). */
  intervalSeconds: number;
  /** The actuator health endpoint (`freelms.health.url`); empty when not set. */
  healthUrl: string;
}

const DEFAULT_INTERVAL_SECONDS = 60;

export function watchSettings(): WatchSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const minutes = config.get<number>('watch.minutes', DEFAULT_WATCH_MINUTES);
  const interval = config.get<number>('watch.intervalSeconds', DEFAULT_INTERVAL_SECONDS);
  return {
    minutes: Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_WATCH_MINUTES,
    intervalSeconds:
      Number.isFinite(interval) && interval >= 1 ? interval : DEFAULT_INTERVAL_SECONDS,
    healthUrl: config.get<string>('health.url', '').trim(),
  };
}

/**
 * The status change to `monitoring`, carrying the watch's length from the settings: every path
 * that moves an incident to monitoring writes it this way, so the journal alone says when the
 * watch ends, whatever the settings say later.
 */
export function monitoringEvent(note?: string, by?: string): NewEvent {
  return {
    type: 'status.changed',
    status: 'monitoring',
    note,
    watchMinutes: watchSettings().minutes,
    by,
  };
}
