// The command table: every supervisorctl command fleetvisorctl knows, by family.
import type { Command } from '../controller.js';
import { daemonCommands } from './daemon.js';
import { fgCommands } from './fg.js';
import { groupCommands } from './groups.js';
import { helpCommands } from './help.js';
import { logCommands } from './logs.js';
import { startStopCommands } from './start-stop.js';
import { statusCommands } from './status.js';

export const COMMANDS: readonly Command[] = [
  ...statusCommands, ...startStopCommands, ...logCommands, ...groupCommands, ...daemonCommands,
  ...fgCommands, ...helpCommands,
];
