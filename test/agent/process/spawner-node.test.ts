// The spawner cases through node's own child_process (the path used when fv-spawn is not built,
// for user= and for an fcgi socket as fd 0).
import { spawnerCases } from './spawner-cases.js';

spawnerCases('node spawn', () => null);
