// The tests' real Prometheus is the sandbox's (src/sandbox/prometheus): one implementation for
// the demo and the tests.
export { findFreePort } from '../../src/sandbox/prometheus/free-port.js';
export {
  startPrometheus,
  waitForQuery,
  type PrometheusHandle,
  type StartPrometheusOptions,
} from '../../src/sandbox/prometheus/prometheus.js';
