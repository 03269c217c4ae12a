// The public surface of the config loader: what the rest of the agent imports.
export { loadConfig, type LoadOptions } from './load.js';
export { findConfigFile, searchPaths } from './search.js';
export { diffGroups, sameGroup } from './diff.js';
export { ConfigError } from './errors.js';
export { systemUserDb, type UserDb } from './users.js';
