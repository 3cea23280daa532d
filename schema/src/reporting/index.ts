export * from './records';
export * from './submit';
export * from './graphql';
export * from './register';
export * from './staging';
export * from './rules';
export * from './plausibility';
