import { join } from 'node:path';

import * as vscode from 'vscode';

import { formatTime } from '../incident/describe';
import type { TimerConfig } from '../incident/timers';
import { DEFAULT_WORKING_HOURS } from '../incident/timers';
import { SETTINGS_SECTION } from './ids';

/** `14:05`: an instant as a clock in the team's time zone, for messages about today. */
export function clockTime(iso: string): string {
  return formatTime(iso, timeZone(), 'HH:mm');
}

/** The setting's value last warned about, so a wrong zone is said once, not on every redraw. */
let warnedZone: string | undefined;

/**
 * The team's time zone: the setting, else this machine's. A name that is no IANA time zone
 * (`Europe/Atlantis`) would break every time on the timeline; this machine's zone is used
 * instead and the user is told once which setting to fix.
 */
export function timeZone(): string {
  const setting = `${SETTINGS_SECTION}.severity.timeZone`;
  const configured = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<string>('severity.timeZone', '')
    .trim();
  const machine = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  if (!configured) return machine;
  if (isTimeZone(configured)) return configured;
  if (warnedZone !== configured) {
    warnedZone = configured;
    void vscode.window
      .showWarningMessage(
        `${setting} is "${configured}", which is not a time zone (IANA names such as ` +
          `Europe/Berlin): times are shown in ${machine}, this machine's zone.`,
        'Open Settings',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      });
  }
  return machine;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Working hours and escalation contacts, as the incident timers take them. */
export function timerConfig(): TimerConfig {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const [start, end] = config.get<string>('severity.workingHours', '09:00-17:00').split('-');
  const valid = (time: string | undefined) =>
    time && /^\d{2}:\d{2}$/.test(time.trim()) ? time.trim() : undefined;
  return {
    workingHours: {
      ...DEFAULT_WORKING_HOURS,
      timeZone: timeZone(),
      start: valid(start) ?? DEFAULT_WORKING_HOURS.start,
      end: valid(end) ?? DEFAULT_WORKING_HOURS.end,
    },
    escalation: {
      teamLead: config.get<string>('escalation.teamLead') || undefined,
      engineeringManager: config.get<string>('escalation.engineeringManager') || undefined,
      cto: config.get<string>('escalation.cto') || undefined,
    },
  };
}

/**
 * Where the incident journals live: the setting's folder inside the first workspace folder, so
 * a team can keep incidents in git; without a workspace, the extension's own storage.
 */
export function incidentsFolder(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<string>('incidents.folder', '.freelms/incidents');
  const workspace = vscode.workspace.workspaceFolders?.[0];
  if (workspace && workspace.uri.scheme === 'file') return join(workspace.uri.fsPath, configured);
  return join(context.globalStorageUri.fsPath, 'incidents');
}
