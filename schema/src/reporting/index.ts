export * from './records';
export * from './submit';
export * from './graphql';
export * from './register';
export * from './rules';
export * from './plausibility';
