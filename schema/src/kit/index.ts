export * from './services';
export * from './database';
export * from './context';
export * from './federation';
export * from './namespace';
export * from './formatError';
export * from './http';
export * from './subgraph';
