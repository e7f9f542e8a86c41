/** The JSON the server pushes on /api/events (see DashboardServer.frame). */
import type { ConnectionStatus, ScopeStatus } from '../dashboard-watch.js';
import type { RolloutPage, RolloutSummary } from '../view-model.js';

export interface Frame {
  nowMs: number;
  readOnly: boolean;
  scopeLabel: string;
  connection: ConnectionStatus;
  scopes: ScopeStatus[];
  overview?: RolloutSummary[];
  target?: { namespace: string; name: string };
  page?: RolloutPage | null;
}
