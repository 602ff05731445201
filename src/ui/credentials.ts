import { readFile } from 'node:fs/promises';

import * as vscode from 'vscode';

import type { Log } from '../common/log';

/** Every secret the extension uses; each lives only in VS Code's secret storage. */
export const CREDENTIALS = {
  pagerduty: { key: 'freelms.pagerduty.token', title: 'PagerDuty API token' },
  slack: { key: 'freelms.slack.token', title: 'Slack bot token' },
  flagsAdmin: { key: 'freelms.flags.adminToken', title: 'FreeLMS admin token (feature flags)' },
  statusPage: { key: 'freelms.statusPage.token', title: 'Status page API token' },
  database: { key: 'freelms.database.password', title: 'PostgreSQL password' },
} as const;

export type CredentialName = keyof typeof CREDENTIALS;

/** Reads and writes the extension's secrets; nothing here is ever logged or written elsewhere. */
export class Credentials {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(name: CredentialName): Thenable<string | undefined> {
    return this.secrets.get(CREDENTIALS[name].key);
  }

  set(name: CredentialName, value: string): Thenable<void> {
    return this.secrets.store(CREDENTIALS[name].key, value);
  }

  delete(name: CredentialName): Thenable<void> {
    return this.secrets.delete(CREDENTIALS[name].key);
  }

  /** Fires with the credential that changed, in this window or another. */
  onDidChange(listener: (name: CredentialName) => void): vscode.Disposable {
    return this.secrets.onDidChange((event) => {
      const name = (Object.keys(CREDENTIALS) as CredentialName[]).find(
        (key) => CREDENTIALS[key].key === event.key,
      );
      if (name) listener(name);
    });
  }
}

/**
 * With the sandbox (`npm start`, the tests), the extension host is told where its endpoints
 * file is. The sandbox's fake tokens are then stored like real ones, so every path, secret
 * storage included, is the one a real user takes. Tokens already stored are kept.
 */
export async function adoptSandboxCredentials(credentials: Credentials, log: Log): Promise<void> {
  const file = process.env['FREELMS_SANDBOX_ENDPOINTS'];
  if (!file) return;
  try {
    const { sandboxAccess } = JSON.parse(await readFile(file, 'utf8')) as {
      sandboxAccess?: { tokens: Partial<Record<CredentialName, string>> };
    };
    for (const [name, token] of Object.entries(sandboxAccess?.tokens ?? {}) as Array<
      [CredentialName, string]
    >) {
      if (name in CREDENTIALS && token && !(await credentials.get(name)))
        await credentials.set(name, token);
    }
    log.info(`using the sandbox's credentials from ${file}`);
  } catch (error) {
    log.warn(`could not read the sandbox endpoints ${file}: ${(error as Error).message}`);
  }
}

/**
 * `FreeLMS: Set Credentials`: pick a credential, type it (hidden), or clear it. Scriptable with
 * `{ name, value }`; an empty value clears.
 */
export async function setCredentials(
  credentials: Credentials,
  argument?: { name?: CredentialName; value?: string },
): Promise<CredentialName | undefined> {
  const states = await Promise.all(
    (Object.keys(CREDENTIALS) as CredentialName[]).map(async (name) => ({
      name,
      set: Boolean(await credentials.get(name)),
    })),
  );
  const name =
    argument?.name ??
    (
      await vscode.window.showQuickPick(
        states.map((state) => ({
          label: CREDENTIALS[state.name].title,
          description: state.set ? 'set' : 'not set',
          name: state.name,
        })),
        { title: 'Which credential? Kept only in VS Code’s secret storage' },
      )
    )?.name;
  if (!name) return undefined;
  const value =
    argument?.value ??
    (await vscode.window.showInputBox({
      title: CREDENTIALS[name].title,
      prompt:
        'Stored in VS Code’s secret storage, never in settings or logs. Leave empty to remove it.',
      password: true,
      ignoreFocusOut: true,
    }));
  if (value === undefined) return undefined;
  if (value.trim()) await credentials.set(name, value.trim());
  else await credentials.delete(name);
  if (argument?.value === undefined) {
    void vscode.window.showInformationMessage(
      `${CREDENTIALS[name].title} ${value.trim() ? 'stored in' : 'removed from'} VS Code's secret storage.`,
    );
  }
  return name;
}
