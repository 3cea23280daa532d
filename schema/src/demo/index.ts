export * from './random';
export * from './industries';
export * from './city';
export * from './observations';
export * from './targets';
export * from './plan';
