import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { withoutLinks } from '../../common/notificationText';

import type { Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { reminders, type Reminder, type TimerConfig } from '../../incident/timers';
import { Commands } from '../ids';
import type { IncidentsTree } from './incidentsTree';

const SEEN_KEY = 'freelms.reminders.notified';

/**
 * Turns the incident core's due reminders into notifications with the action one click away:
 * post the customer update, record the escalation. Each reminder is shown once, also across
 * restarts; the reminders themselves derive from the journal.
 */
export class ReminderNotifier implements vscode.Disposable {
  private readonly seen: Set<string>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly tree: IncidentsTree,
    private readonly store: IncidentStore,
    private readonly timers: () => TimerConfig,
    private readonly memento: vscode.Memento,
  ) {
    this.seen = new Set(memento.get<string[]>(SEEN_KEY, []));
    this.disposables.push(tree.onDidChangeTreeData(() => this.check()));
  }

  /** Notifies every reminder that is due and was not shown yet. */
  check(now = new Date()): void {
    for (const incident of this.tree.active) {
      for (const reminder of reminders(incident, now, this.timers())) {
        // The on-call engineer is the one running the incident here: no reminder to call oneself.
        if (reminder.state !== 'due' || reminder.level === 'onCall') continue;
        // The monitoring watch announces its own end, with how it went (src/ui/watch).
        if (reminder.kind === 'monitoringEnded') continue;
        const key = `${incident.id}:${reminder.kind}:${reminder.level ?? ''}:${reminder.dueAt}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        void this.memento.update(SEEN_KEY, [...this.seen].slice(-500));
        void this.notify(incident, reminder);
      }
    }
  }

  private async notify(incident: Incident, reminder: Reminder): Promise<void> {
    const text = withoutLinks(`${incident.severity} ${incident.title}: ${reminder.message}`);
    if (reminder.kind === 'customerUpdate') {
      const choice = await vscode.window.showWarningMessage(text, 'Post Update');
      if (choice)
        await vscode.commands.executeCommand(Commands.postUpdate, { incidentId: incident.id });
    } else if (reminder.kind === 'escalation' && reminder.level) {
      const action = reminder.contact
        ? `Record Escalation to ${reminder.contact}`
        : 'Set Escalation Contacts';
      const choice = await vscode.window.showWarningMessage(text, action);
      if (!choice) return;
      if (!reminder.contact) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'freelms.escalation');
        return;
      }
      // The escalation goes on the timeline; the outbox posts it to the channel and PagerDuty.
      await this.store.append(incident.id, {
        type: 'escalated',
        level: reminder.level,
        contact: reminder.contact,
        by: userInfo().username,
      });
    }
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
