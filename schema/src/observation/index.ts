export * from './indicator';
// Row entities (ObservationRecord, ObservationVersionRecord) are not exported: figures are read through the kit's FigureReader.
export type { ObservationStatusValue } from './ObservationRecord';
export * from './Observation';
export * from './catalogue';
export * from './DepartmentFigures';
export * from './GroupFigure';
