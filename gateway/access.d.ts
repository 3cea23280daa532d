export * from './dist/src/access/index';
