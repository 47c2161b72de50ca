/* winhost.h - the facts of a Windows system tree that the Windows checks share: its
 * registry hives (with their transaction logs replayed), the current control set, and
 * the user profiles with their own hives. Loaded once per scan (mt_ctx_win). */
#ifndef MT_WINHOST_H
#define MT_WINHOST_H

#include "../../internal.h"
#include "regf.h"

typedef struct mt_win_hive {
	char path[MT_MAX_PATH]; /* tree path of the hive file */
	mt_regf *h;             /* NULL when absent or unreadable */
	mt_regf_info info;
} mt_win_hive;

typedef struct mt_win_user {
	char name[128];            /* the profile directory's name ("alice", "LocalService") */
	char profile[MT_MAX_PATH]; /* tree path of the profile ("/Users/alice") */
	char sid[96];              /* from ProfileList when known, else "" */
	mt_win_hive ntuser;        /* NTUSER.DAT */
	mt_win_hive usrclass;      /* AppData/Local/Microsoft/Windows/UsrClass.dat */
} mt_win_user;

typedef struct mt_win {
	mt_win_hive system, software, sam, security;
	mt_regf_key ccs;   /* SYSTEM\ControlSetNNN that Select\Current names; 0 if none */
	char ccs_name[24]; /* "ControlSet001" */
	mt_win_user *users;
	size_t nusers;
} mt_win;

/* Loads the hives of the tree (config\SYSTEM, SOFTWARE, SAM, SECURITY; every profile's
 * NTUSER.DAT and UsrClass.dat, the service profiles' and systemprofile's), each with its
 * .LOG/.LOG1/.LOG2 replayed. What cannot be read is a diagnostic, never an error;
 * MT_ERR_NOMEM only. */
mt_err mt_win_load(mt_host *host, mt_report *rep, mt_win **out);
void mt_win_free(mt_win *w);

/* The scan's Windows facts, loaded on first use; NULL on a Linux root or no memory. */
mt_win *mt_ctx_win(mt_ctx *ctx);

/* The text of value name of key path under the root of hive h, into a malloc'd string
 * (NULL when absent); a shorthand for the checks. */
char *mt_win_text(mt_win_hive *h, mt_regf_key base, const char *path, const char *name);

/* The user a profile name belongs to, for reports: "alice" or the SID. */
const char *mt_win_user_label(const mt_win_user *u);

#endif
