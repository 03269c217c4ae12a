// Versions: the supervisord version we implement (what supervisorctl and scripts check) and ours.
export const SUPERVISOR_VERSION = '4.2.5';
export const FLEETVISOR_VERSION = '0.1.0';
