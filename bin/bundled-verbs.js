// The verbs bin/kanary.js runs from the CLI bundle (dist/cli-bundle, scripts/bundle-cli.mjs): the
// ones a person types during a release or an incident, which must start fast. The others
// (controller, cluster, dashboard, backtest, demo parts) load files beside their modules, such as
// worker threads and UI assets, and run from dist/ as compiled.
export const BUNDLED_VERBS = new Set([
  'get', 'list', 'promote', 'abort', 'retry', 'pause', 'set', 'undo', 'status', 'report',
  'lint', 'plan', 'migrate', 'judge', 'version', 'completion',
]);
