/* live_common.h - shared evidence and remedy of the live process checks */
#ifndef MT_LIVE_COMMON_H
#define MT_LIVE_COMMON_H

#include "../collect/collect.h"

/* pid, exe, cmdline, CPU, container, ancestors, descendants and sockets of p. */
void mt_live_evidence(mt_finding *f, const mt_live *l, const mt_proc *p);
/* kill_tree {pid, start_ticks, exe, parent_pid, parent_start_ticks}: the parent is named
 * when it is not a service manager (it is then what respawns the process). */
void mt_live_kill_action(mt_finding *f, const mt_live *l, const mt_proc *p);
/* pid 0/1, kernel threads and service managers (systemd, sshd, cron, shims...). */
int mt_proc_is_manager(const mt_proc *p);

#endif
