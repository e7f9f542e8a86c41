// The verbs bin/kanary.js runs from the CLI bundle (dist/cli-bundle, scripts/bundle-cli.mjs): the
// ones a person types during a release or an incident, which must start fast. (The write verbs
// were held back once: a bundled promote skipped a step in controller-resilience. The cause was the
// test, which took the phase a promote leaves behind, Paused until a controller acknowledges it, for
// a new pause and promoted again; a promote that fast can do that with the compiled CLI too.)
// The others (controller, cluster, dashboard, backtest) load files beside their modules, such as
// worker threads and UI assets, and run from dist/ as compiled.
export const BUNDLED_VERBS = new Set([
  'get', 'list', 'status', 'report', 'lint', 'plan', 'migrate', 'judge', 'version', 'completion',
  'promote', 'abort', 'retry', 'pause', 'set', 'undo', 'restart',
]);
