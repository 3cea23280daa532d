export * from './dist/src/kit/identity';
