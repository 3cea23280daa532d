export * from './thresholds';
export * from './graphql';
