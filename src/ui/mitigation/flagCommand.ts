import * as vscode from 'vscode';

import { flagAction, FlagError, listFlags, setFlag, type FlagsTarget } from '../../platform/flags';
import type { Credentials } from '../credentials';
import { Commands, SETTINGS_SECTION } from '../ids';
import { confirmChange, me, preconfirmed, record, showError, type CommandDeps } from './shared';

/** `{ flag, enabled?, confirm?, incidentId? }`; `enabled` defaults to the opposite of now. */
export interface FlagArgument {
  flag?: string;
  enabled?: boolean;
  confirm?: boolean;
  incidentId?: string;
}

/** What `FreeLMS: Toggle Feature Flag` did. */
export interface FlagOutcome {
  outcome: 'changed' | 'unchanged' | 'cancelled' | 'failed';
  flag?: string;
  previous?: boolean;
  enabled?: boolean;
  /** The FlagError kind for a failure: `unauthorized`, `forbidden`, `unknownFlag`… */
  reason?: string;
  message: string;
  incidentId?: string;
}

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

function offerCredentials(message: string): void {
  void vscode.window.showErrorMessage(message, 'Set Credentials').then((choice) => {
    if (choice)
      void vscode.commands.executeCommand(Commands.setCredentials, { name: 'flagsAdmin' });
  });
}

/** What to do about each failure the admin API can answer. */
function explain(error: FlagError): string {
  switch (error.kind) {
    case 'unauthorized':
      return `${error.message} The admin token was refused (401): set a current one.`;
    case 'forbidden':
      return `${error.message} The admin token may not change flags (403): ask for an admin token.`;
    case 'unknownFlag':
      return `${error.message} No such flag (404): pick one from the list.`;
    default:
      return error.message;
  }
}

/**
 * `FreeLMS: Toggle Feature Flag`: flags listed with their state, one picked, a modal
 * confirmation, the change with the admin token from secret storage, the state read back and
 * recorded on the timeline. 401/403/404 are explained; a missing token offers Set Credentials.
 */
export async function toggleFeatureFlag(
  deps: CommandDeps & { credentials: Credentials },
  argument?: FlagArgument,
): Promise<FlagOutcome | undefined> {
  const baseUrl = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('flags.url', '');
  if (!baseUrl) {
    const message = 'No feature-flags admin URL: set freelms.flags.url.';
    showError(message, 'freelms.flags');
    return { outcome: 'failed', reason: 'noUrl', message };
  }
  const token = await deps.credentials.get('flagsAdmin');
  if (!token) {
    const message =
      'No FreeLMS admin token is stored: run FreeLMS: Set Credentials to add it (kept in ' +
      'secret storage only).';
    offerCredentials(message);
    return { outcome: 'failed', reason: 'noToken', message };
  }
  const target: FlagsTarget = { baseUrl, token, log: deps.log };
  try {
    const flags = await listFlags(target);
    let flag = argument?.flag;
    if (!flag) {
      const picked = await vscode.window.showQuickPick(
        flags.map((f) => ({
          label: f.flag,
          description: onOff(f.enabled),
          detail: [f.description, f.updatedBy && `last changed by ${f.updatedBy}`]
            .filter(Boolean)
            .join(' · '),
        })),
        { title: `Toggle which feature flag (${baseUrl})?`, matchOnDetail: true },
      );
      if (!picked) return undefined;
      flag = picked.label;
    }
    const now = flags.find((f) => f.flag === flag);
    const enabled = argument?.enabled ?? !(now?.enabled ?? false);
    if (now && now.enabled === enabled) {
      const message = `Feature flag ${flag} is already ${onOff(enabled)}; nothing changed.`;
      void vscode.window.showInformationMessage(message);
      return { outcome: 'unchanged', flag, previous: now.enabled, enabled, message };
    }
    if (!preconfirmed(argument)) {
      const confirmed = await confirmChange({
        message: `Turn feature flag ${flag} ${onOff(enabled)}?`,
        detail:
          `Admin API: ${baseUrl}\nFlag: ${flag}\n` +
          `${now ? onOff(now.enabled) : 'unknown'} → ${onOff(enabled)}` +
          (now?.description ? `\n${now.description}` : ''),
        button: enabled ? 'Turn On' : 'Turn Off',
        context: baseUrl,
      });
      if (!confirmed) return { outcome: 'cancelled', flag, message: 'Not confirmed.' };
    }
    const change = await setFlag(target, flag, enabled);
    const message =
      `Feature flag ${flag} is now ${onOff(change.readBack)} ` + `(read back from ${baseUrl}).`;
    const incidentId = await record(
      deps,
      { type: 'action.taken', action: flagAction(change), ok: true, summary: message, by: me() },
      argument?.incidentId,
    );
    void vscode.window.showInformationMessage(message);
    return {
      outcome: 'changed',
      flag,
      previous: change.previous ?? now?.enabled,
      enabled: change.readBack,
      message,
      incidentId,
    };
  } catch (error) {
    const message =
      error instanceof FlagError ? explain(error) : `Feature flags: ${(error as Error).message}`;
    deps.log.error(message);
    if (error instanceof FlagError && (error.kind === 'unauthorized' || error.kind === 'forbidden'))
      offerCredentials(message);
    else showError(message, 'freelms.flags');
    return {
      outcome: 'failed',
      flag: argument?.flag,
      reason: error instanceof FlagError ? error.kind : 'unknown',
      message,
    };
  }
}
