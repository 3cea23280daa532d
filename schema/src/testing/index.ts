export * from './testbed';
export * from './conformance';
