import 'reflect-metadata';
export * from './errors';
export * from './identifiers';
export * from './scalars';
export * from './observation';
export * from './kit';
export * from './demo';
export * from './reporting';
export * from './targets';
