// The row entity is the kit's (FigureReader.targets); the package exports its type only.
export type { TargetRecord, TargetMeasureValue } from './TargetRecord';
export * from './graphql';
