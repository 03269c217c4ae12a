// The converters supervisord applies to its command-line values (a bad value is a usage error).
import * as dt from '../config/datatypes.js';
import { systemUserDb } from '../config/users.js';

const pathEnv = (): dt.PathEnv => ({ home: process.env['HOME'], users: systemUserDb() });

export const cliConverters = {
  umask: (v: string): unknown => dt.octal(v),
  directory: (v: string): unknown => dt.existingDirectory(v, pathEnv()),
  logfile: (v: string): unknown => dt.existingDirpath(v, pathEnv()),
  logfile_maxbytes: (v: string): unknown => dt.byteSize(v),
  logfile_backups: (v: string): unknown => dt.integer(v),
  loglevel: (v: string): unknown => dt.logLevel(v),
  pidfile: (v: string): unknown => dt.existingDirpath(v, pathEnv()),
  childlogdir: (v: string): unknown => dt.existingDirectory(v, pathEnv()),
  minfds: (v: string): unknown => dt.integer(v),
  minprocs: (v: string): unknown => dt.integer(v),
} as const;
