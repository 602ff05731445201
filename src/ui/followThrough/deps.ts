import type * as vscode from 'vscode';

import type { IncidentStore } from '../../incident/store';
import type { DeliveryService } from '../delivery/deliveryService';
import type { IncidentsTree } from '../incidents/incidentsTree';
import type { MitigationDeps } from '../mitigation/registerMitigation';

/** What the resolution and post-incident commands need; `extension.ts` builds it once. */
export interface ResolutionDeps extends MitigationDeps {
  store: IncidentStore;
  delivery: DeliveryService;
  tree: IncidentsTree;
  context: vscode.ExtensionContext;
}
