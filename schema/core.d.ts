export * from './dist/src/core';
