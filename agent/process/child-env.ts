// The environment and spawn request of one child: the daemon's environment, the SUPERVISOR_*
// variables, then environment_file= (fleetvisord's), then the program's environment=, later
// entries winning (supervisord's ProcessConfig.make_process environment order).
import type { ProcessConfig } from '../config/types.js';
import { resolveCommand, searchPath } from './command.js';
import { readEnvironmentFile } from './env-file.js';
import type { SpawnRequest } from './spawner.js';

export function buildChildEnv(
  config: ProcessConfig,
  groupName: string,
  baseEnv: Readonly<Record<string, string>>,
  serverUrl: string | null,
): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv, SUPERVISOR_ENABLED: '1' };
  const url = config.serverurl ?? serverUrl;
  if (url) env['SUPERVISOR_SERVER_URL'] = url;
  env['SUPERVISOR_PROCESS_NAME'] = config.name;
  env['SUPERVISOR_GROUP_NAME'] = groupName;
  if (config.extra.environment_file !== null) Object.assign(env, readEnvironmentFile(config.extra.environment_file));
  return config.environment === null ? env : Object.assign(env, config.environment);
}

/** Resolves the command (throws the command-family errors) and assembles the request. */
export function buildSpawnRequest(
  config: ProcessConfig,
  env: Readonly<Record<string, string>>,
  baseEnv: Readonly<Record<string, string>>,
): SpawnRequest {
  const path = searchPath(config.environment?.['PATH'], baseEnv['PATH']);
  const { file, argv } = resolveCommand(config.command, path);
  return {
    file,
    argv,
    env,
    cwd: config.directory,
    user: config.user,
    umask: config.umask,
    redirectStderr: config.redirect_stderr,
  };
}
