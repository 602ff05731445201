import * as vscode from 'vscode';

import type { DeliveryState } from '../../incident/deliveries';
import type { Incident } from '../../incident/model';
import type { DeliveryService } from './deliveryService';

/** A failed delivery's row in the Incidents view, or `{ incidentId, key }` from a script. */
export type RetryArgument =
  | { kind: 'delivery'; incident: Incident; state: DeliveryState }
  | { incidentId: string; key: string };

/**
 * `FreeLMS: Retry Delivery`: a row or argument names one delivery; from the palette, the failed
 * deliveries of the active incidents are offered (pending ones retry by themselves).
 */
export async function retryDelivery(
  delivery: DeliveryService,
  active: () => Incident[],
  argument?: RetryArgument,
): Promise<number> {
  if (argument && 'state' in argument) {
    await delivery.retry(argument.incident.id, argument.state.key);
    return 1;
  }
  if (argument && 'key' in argument) {
    await delivery.retry(argument.incidentId, argument.key);
    return 1;
  }
  const failed: Array<{ incident: Incident; state: DeliveryState }> = [];
  for (const incident of active()) {
    for (const state of await delivery.deliveries(incident.id)) {
      if (state.status === 'failed') failed.push({ incident, state });
    }
  }
  if (failed.length === 0) {
    void vscode.window.showInformationMessage(
      'No delivery has failed. Pending ones are retried on their own, honouring rate limits.',
    );
    return 0;
  }
  const picked = await vscode.window.showQuickPick(
    failed.map((entry) => ({
      label: entry.state.label,
      description: entry.incident.id,
      detail: entry.state.reason,
      picked: true,
      entry,
    })),
    { title: 'Retry which failed deliveries?', canPickMany: true },
  );
  for (const item of picked ?? [])
    await delivery.retry(item.entry.incident.id, item.entry.state.key);
  return picked?.length ?? 0;
}
