/**
 * The simulator's inputs (issue 11), in one place for `npx rapport simulate` and `import`: a purchase
 * history read through a column mapping (CDNOW's format is a preset), or a generated population. Both
 * give `HistoryEvent`s (`profile` and `purchase` CustomerEvents) in time order, validated as ingest
 * validates them. Files are read by adapters/history/file.ts (`readHistoryFile`).
 */
export {
  CDNOW_MAPPING,
  HISTORY_PRESETS,
  HistoryMapping,
  parseHistoryMapping,
  type HistoryMappingInput,
  type HistoryPreset,
} from './history/mapping';
export {
  checkHistory,
  HistoryValidationError,
  parseHistory,
  type HistoryOptions,
  type HistorySummary,
} from './history/parse';
export type { HistoryText } from './history/records';
export type { HistoryEvent } from './history/timeline';
export { generatePopulation, type PopulationOptions } from './population/generate';
export { DEFAULT_MODEL, PopulationModel, type PopulationModelInput } from './population/model';
