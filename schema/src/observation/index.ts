export * from './indicator';
export * from './ObservationRecord';
export * from './Observation';
export * from './catalogue';
export * from './DepartmentFigures';
