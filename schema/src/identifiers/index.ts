export * from './creditCode';
export * from './month';
export * from './industryCode';
export * from './regionCode';
export * from './date';
export * from './dateTime';
export * from './cityTime';
export * from './parkCode';
