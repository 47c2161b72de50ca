/* winsam.h - the local accounts of a SAM hive: name, RID, the account control flags and
 * times of the F value (the fixed-size user record), and when the account's Names key was
 * written (its creation, as forensic tools read it). */
#ifndef MT_WINSAM_H
#define MT_WINSAM_H

#include "regf.h"

/* Account control bits of the F value (samsrv's ACB_*) */
#define MT_ACB_DISABLED 0x0001u
#define MT_ACB_PWNOTREQ 0x0004u /* no password required: may be empty */
#define MT_ACB_NORMAL   0x0010u
#define MT_ACB_PWNOEXP  0x0200u /* the password never expires */
#define MT_ACB_AUTOLOCK 0x0400u

typedef struct mt_sam_user {
	char name[128];
	uint32_t rid;
	uint32_t acb;       /* MT_ACB_*, 0 when the F value is missing */
	uint32_t f_rid;     /* the RID the F value holds: another one is a RID hijack */
	int has_f;          /* the F value was read */
	int64_t last_logon; /* Unix seconds, MT_TIME_NONE when never or unknown */
	int64_t pwd_set;    /* when the password was last set */
	int64_t created;    /* the Names\<name> key's last write */
	unsigned logons;    /* logon count */
	int admin;          /* member of Administrators (S-1-5-32-544), when known */
} mt_sam_user;

/* Calls fn for every account of SAM\Domains\Account\Users\Names; non-zero stops. */
typedef int (*mt_sam_fn)(void *ctx, const mt_sam_user *u);
mt_err mt_sam_each_user(mt_regf *sam, mt_sam_fn fn, void *ctx);

#endif
