import { describeApprovalCrashes } from '../helpers/crash-cases.ts';
import { RESTART_STORES } from '../helpers/restart-cases.ts';

// kill -9 at each step of an approval, restarted on postgres; prints what each case ended as.
describeApprovalCrashes(RESTART_STORES[1]);
