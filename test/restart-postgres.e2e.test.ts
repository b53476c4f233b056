import { describeRestarts, RESTART_STORES } from './helpers/restart-cases.ts';

// Start-up recovery after SIGKILL mid-apply, and old cards clicked after a restart, on postgres.
describeRestarts(RESTART_STORES[1]);
