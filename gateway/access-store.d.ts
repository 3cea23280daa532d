export * from './dist/src/access/store';
