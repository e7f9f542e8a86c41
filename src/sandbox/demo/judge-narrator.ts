/**
 * Reads the demo Rollout's AnalysisRuns and narrates the statistical judge: a line each time a
 * judge's evidence, observed ratio or verdict moves (a short poll: this is the demo, not the
 * controller). On a terminal the live view shows the same evidence on the metric's row.
 */
import * as k8s from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL, ROLLOUT_NAME_LABEL } from '../../api/labels.js';
import { buildNameLabelValue } from '../../core/label-value.js';
import { readRunView, selectJudgeNarration, type RunView } from './judge-evidence.js';

export interface RunQuery {
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  rolloutName: string;
  /** Only the runs of this pod-template hash (one release). */
  podTemplateHash?: string;
}

export async function listRolloutRuns(query: RunQuery): Promise<RunView[]> {
  const api = query.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const selector = [`${ROLLOUT_NAME_LABEL}=${buildNameLabelValue(query.rolloutName)}`];
  if (query.podTemplateHash !== undefined) selector.push(`${POD_TEMPLATE_HASH_LABEL}=${query.podTemplateHash}`);
  const list = await api.listNamespacedCustomObject({
    group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns', namespace: query.namespace, labelSelector: selector.join(','),
  }) as { items?: unknown[] };
  return (list.items ?? []).flatMap((item) => readRunView(item) ?? []);
}

export interface JudgeNarrator {
  /** One last look, so that a verdict written just now is told, then no more polling. */
  stop(): Promise<void>;
}

export function startJudgeNarrator(options: RunQuery & { say: (line: string) => void; pollMs?: number }): JudgeNarrator {
  let printed = new Map<string, string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const look = async (): Promise<void> => {
    try {
      const next = selectJudgeNarration(await listRolloutRuns(options), printed);
      printed = next.printed;
      for (const line of next.lines) options.say(line);
    } catch {
      // a transient API error: look again next time
    }
  };
  const poll = (): void => {
    running = look().then(() => {
      if (!stopped) timer = setTimeout(poll, options.pollMs ?? 500);
    });
  };
  poll();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await look();
    },
  };
}
