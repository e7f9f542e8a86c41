// The verbs bin/kanary.js runs from the CLI bundle (dist/cli-bundle, scripts/bundle-cli.mjs): the
// read-only and offline ones a person types during a release or an incident, which must start fast.
// The verbs that write (promote, abort, retry, pause, set, undo) stay on dist/ as compiled until
// the bundled promote's behaviour under controller restarts is understood: a promote sent by the
// bundle to a pause that a restarted controller had just reached was not acted on
// (test/controller/controller-resilience.cluster.test.ts), while the compiled one was.
// The others (controller, cluster, dashboard, backtest) load files beside their modules, such as
// worker threads and UI assets, and run from dist/ as compiled.
export const BUNDLED_VERBS = new Set([
  'get', 'list', 'status', 'report', 'lint', 'plan', 'migrate', 'judge', 'version', 'completion',
]);
