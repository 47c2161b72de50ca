/* win_common.h - what the Windows checks share: the file a command or value points at,
 * inspected by content; findings for registry values with their remedies. */
#ifndef MT_WIN_COMMON_H
#define MT_WIN_COMMON_H

#include "../collect/win/pe.h"
#include "../collect/win/winhost.h"
#include "../collect/win/winpath.h"
#include "checks.h"

/* The file a command line runs, looked at in the tree. */
typedef struct win_target {
	char win[MT_MAX_PATH];  /* as the command names it */
	char tree[MT_MAX_PATH]; /* tree path, "" when it cannot be placed */
	int exists;
	struct stat st;
	int is_pe, is_driver, is_signed;
	mt_miner_id id;       /* by content */
	char company[128];    /* the version resource's CompanyName, "" when none */
	int system_dir;       /* under Windows\System32 or SysWOW64 (or drivers) */
	const char *drop;     /* the drop place it lies in, NULL */
	const char *imitates; /* a Windows program it is named after, NULL */
	int fake_system;      /* a Windows program's exact name outside System32 */
	char sha256[65];      /* of the file, \"\" when not read */
	const mt_rule *ioc;   /* a path or sha256 rule it matches, NULL */
} win_target;

/* Finds and inspects the program of command line cmd (env for %APPDATA%... may be
 * NULL). A bare name ("svchost.exe") is looked for in System32. */
void win_target_of_cmd(mt_ctx *ctx, const char *cmd, const mt_winenv *env, win_target *t);
/* The same for a path ("C:\...\x.dll", "system32\drivers\x.sys"). */
void win_target_of_path(mt_ctx *ctx, const char *path, const mt_winenv *env, win_target *t);

/* The reasons a target adds to a verdict: a miner or MSR driver by content, a Windows
 * program's name outside System32, a look-alike name, a drop place. */
void win_target_reasons(const win_target *t, mt_cmd_verdict *v);

/* The whole judgement of a start-up command: the command line (mt_judge_wincmd), the
 * program it runs (by content and place), and the scripts it hands to a script host
 * (wscript, cscript, powershell -File, cmd /c x.bat, mshta x.hta) read from the tree and
 * judged too. t receives the program. */
void win_judge(mt_ctx *ctx, const char *cmd, const mt_winenv *env, mt_cmd_verdict *v,
               win_target *t);

/* Evidence of a target: program, exists, size, mtime, company, identified_as, id_reasons. */
void win_target_evidence(mt_finding *f, const win_target *t);
/* Quarantines the target unless it is a Windows file in System32 (then only the entry
 * that points at it is removed). */
void win_target_quarantine(mt_finding *f, const win_target *t);

/* Remedy: remove one registry value (hive as "HKLM\SOFTWARE" or "HKU\<user>", key
 * relative to it), exporting it first so restore can put it back. */
mt_action *win_remedy_reg_value(mt_finding *f, const char *hive, const char *key,
                                const char *value);
void win_remedy_reg_key(mt_finding *f, const char *hive, const char *key);

/* Confidence from a verdict's severity, as the Linux checks give it. */
unsigned win_confidence(mt_severity s);

/* The key's last write time as Unix seconds into evidence "key_written" (when known). */
void win_key_time(mt_finding *f, const mt_regf *h, mt_regf_key k);

/* Adds code to v when a rule of kind k (service, task, wmi: globs) matches name; the
 * severity is the rule's, high when it gives none. Returns the rule or NULL. */
const mt_rule *win_name_rule(mt_ctx *ctx, mt_rule_kind k, const char *name, const char *code,
                             mt_cmd_verdict *v);

/* The first path rule (written C:\...) matching the tree path, or NULL. */
const mt_rule *win_path_rule(mt_ctx *ctx, const char *tree);

/* Whether a verdict has a reason with this code. */
int win_has_reason(const mt_cmd_verdict *v, const char *code);

#endif
