/** The simulator's reports (issue 11): pure functions from a `SimulationResult` to text or HTML. */
export { renderSummary } from './summary';
export { renderHtmlReport } from './html';
