export * from './TargetRecord';
export * from './graphql';
