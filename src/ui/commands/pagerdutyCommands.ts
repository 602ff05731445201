import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { SEVERITIES, type Severity } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import type { PagerDutyIncidentRef } from '../../platform/pagerduty/client';
import type { DeliveryService } from '../delivery/deliveryService';
import { withoutLinks } from '../../common/notificationText';

/** `{ pagerdutyIncidentId, severity }` runs either command without prompts. */
export interface JoinArgument {
  pagerdutyIncidentId?: string;
  severity?: Severity;
}

/**
 * `FreeLMS: Acknowledge Alert` and `FreeLMS: Join Incident`: the triggered and acknowledged
 * PagerDuty incidents of the configured services; the one picked becomes a local incident
 * (or the existing one is used), and acknowledging is recorded in its journal, from where the
 * outbox acknowledges it in PagerDuty. `onDeclared` hears of a local incident newly declared.
 * Returns the local incident id.
 */
export async function joinFromPagerDuty(
  store: IncidentStore,
  delivery: DeliveryService,
  acknowledge: boolean,
  argument: JoinArgument = {},
  onDeclared: (id: string) => void = () => undefined,
): Promise<string | undefined> {
  let pagerduty;
  try {
    pagerduty = await delivery.pagerduty();
  } catch (error) {
    void vscode.window
      .showErrorMessage((error as Error).message, 'Open PagerDuty Settings')
      .then((choice) => {
        if (choice)
          void vscode.commands.executeCommand('workbench.action.openSettings', 'freelms.pagerduty');
      });
    return undefined;
  }
  const open = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Reading PagerDuty incidents…' },
    () => pagerduty.client.listTriggered(pagerduty.serviceIds, ['triggered', 'acknowledged']),
  );
  const picked = argument.pagerdutyIncidentId
    ? open.find((incident) => incident.id === argument.pagerdutyIncidentId)
    : await pick(open, acknowledge);
  if (!picked) {
    if (argument.pagerdutyIncidentId) {
      void vscode.window.showErrorMessage(
        `PagerDuty incident ${argument.pagerdutyIncidentId} is not open on the configured services.`,
      );
    }
    return undefined;
  }

  const me = userInfo().username;
  const existing = (await store.list()).find(
    (incident) => incident.pagerduty?.incidentId === picked.id,
  );
  let id = existing?.id;
  if (!id) {
    const severity = argument.severity ?? (await pickSeverity(picked));
    if (!severity) return undefined;
    const incident = await store.declare({
      title: withoutLinks(picked.title ?? `PagerDuty incident ${picked.number ?? picked.id}`),
      severity,
      services: picked.serviceName ? [picked.serviceName] : [],
      detectedAt: picked.createdAt,
      pagerdutyIncidentId: picked.id,
      by: me,
    });
    id = incident.id;
    onDeclared(id);
    await store.append(id, {
      type: 'note',
      text: `Joined PagerDuty incident #${picked.number ?? picked.id} (${picked.status})${picked.url ? `: ${picked.url}` : ''}`,
      by: me,
    });
  }
  const current = await store.get(id);
  if (picked.status === 'acknowledged' && !current?.acknowledgedAt) {
    await store.append(id, { type: 'acknowledged', source: 'pagerduty', by: me });
  } else if (acknowledge && !current?.acknowledgedAt) {
    await store.append(id, { type: 'acknowledged', source: 'local', by: me });
  }
  return id;
}

async function pick(
  open: PagerDutyIncidentRef[],
  acknowledge: boolean,
): Promise<PagerDutyIncidentRef | undefined> {
  const candidates = acknowledge
    ? open.filter((incident) => incident.status === 'triggered')
    : open;
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      acknowledge
        ? 'No triggered PagerDuty incident on the configured services.'
        : 'No open PagerDuty incident.',
    );
    return undefined;
  }
  const item = await vscode.window.showQuickPick(
    candidates.map((incident) => ({
      label: `#${incident.number ?? '?'} ${incident.title ?? incident.id}`,
      description: `${incident.status}${incident.urgency ? ` · ${incident.urgency} urgency` : ''}`,
      detail: [incident.serviceName, incident.createdAt].filter(Boolean).join(' · '),
      incident,
    })),
    {
      title: acknowledge ? 'Acknowledge which PagerDuty alert?' : 'Join which PagerDuty incident?',
      matchOnDetail: true,
    },
  );
  return item?.incident;
}

async function pickSeverity(incident: PagerDutyIncidentRef): Promise<Severity | undefined> {
  const suggested: Severity = incident.urgency === 'low' ? 'P3' : 'P2';
  const item = await vscode.window.showQuickPick(
    SEVERITIES.map((severity) => ({
      label: severity,
      picked: severity === suggested,
      description:
        severity === suggested ? `suggested from ${incident.urgency ?? 'high'} urgency` : undefined,
    })),
    { title: `Severity of "${incident.title ?? incident.id}"` },
  );
  return item?.label as Severity | undefined;
}
