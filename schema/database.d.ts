export * from './dist/src/database';
