import { analysisRunEventType } from '../../src/controller/reconcile-analysis-run.js';

test('failed, errored and inconclusive runs are Warnings; a run terminated before it decided is not', () => {
  expect(analysisRunEventType('Failed', false)).toBe('Warning');
  expect(analysisRunEventType('Error', true)).toBe('Warning');
  expect(analysisRunEventType('Inconclusive', false)).toBe('Warning');
  expect(analysisRunEventType('Inconclusive', true)).toBe('Normal');
  expect(analysisRunEventType('Successful', false)).toBe('Normal');
  expect(analysisRunEventType('Running', false)).toBe('Normal');
});
