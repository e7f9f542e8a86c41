/** A minimal valid Rollout as a user writes it; tests override parts of it. */
export function rawRollout(): Record<string, unknown> & { spec: Record<string, unknown> } {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo' },
    spec: {
      selector: { matchLabels: { app: 'demo' } },
      template: {
        metadata: { labels: { app: 'demo' } },
        spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ containerPort: 8080 }] }] },
      },
      strategy: {
        canary: {
          stableService: 'demo-stable',
          canaryService: 'demo-canary',
          trafficRouting: { ambassador: { mappings: ['demo'] } },
          steps: [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '30s' } }],
        },
      },
    },
  };
}
