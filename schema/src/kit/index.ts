export * from './registry';
export * from './services';
export * from './database';
// The figure loaders and row entities stay inside the kit: resolvers read figures through `ctx.figures` only.
export { createContext, loadAll, type SubgraphContext, type LoaderFactory, type ObservationKey } from './context';
export { FigureReader, SubjectFigures, type FigureSubject, type FigureVersion } from './figures';
export * from './federation';
export * from './namespace';
export * from './warnings';
export * from './formatError';
export * from './http';
export * from './subgraph';
export * from './seed';
export * from './migrations';
export * from './identity';
export * from './access';
export * from './authorization';
export * from './grants';
export * from './startup';
