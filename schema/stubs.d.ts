export * from './dist/src/stubs';
