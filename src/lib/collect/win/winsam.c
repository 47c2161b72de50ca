/* winsam.c - local accounts of a SAM hive. The F value is a fixed record (offsets as
 * RegRipper's samparse and the SAM descriptions of forensic literature give them):
 * 0x08 last logon, 0x18 password last set (FILETIMEs), 0x30 RID, 0x38 account control
 * bits, 0x42 logon count. Administrators membership from the C value of alias 0x220:
 * the member list at 0x34 + the u32 at 0x28, the count at 0x30, SIDs one after another. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winsam.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int64_t ft(const uint8_t *p)
{
	uint64_t v = le64(p);
	if (v == 0 || v == UINT64_MAX || v == 0x7fffffffffffffffull)
		return MT_TIME_NONE;
	int64_t t = mt_filetime_unix(v);
	return t == INT64_MIN ? MT_TIME_NONE : t;
}

#define MAX_ADMINS 256

typedef struct sam_ctx {
	mt_regf *h;
	mt_regf_key users;
	mt_sam_fn fn;
	void *ctx;
	uint32_t admins[MAX_ADMINS]; /* RIDs of local accounts in Administrators */
	size_t nadmins;
	int admins_known;
} sam_ctx;

static void load_admins(sam_ctx *c)
{
	mt_regf_key k;
	mt_regf_value v;
	if (mt_regf_find(c->h, mt_regf_root(c->h), "SAM\\Domains\\Builtin\\Aliases\\00000220",
	                 &k) != MT_OK ||
	    mt_regf_value_get(c->h, k, "C", &v) != MT_OK || v.len < 0x34)
		return;
	size_t off = 0x34 + (size_t)le32(v.data + 0x28);
	uint32_t n = le32(v.data + 0x30);
	c->admins_known = 1;
	for (uint32_t i = 0; i < n && i < 4096; i++) {
		if (off + 8 > v.len)
			break;
		unsigned subs = v.data[off + 1];
		size_t sl = 8 + 4 * (size_t)subs;
		if (subs == 0 || off + sl > v.len)
			break;
		/* a local account: S-1-5-21-a-b-c-RID */
		if (subs == 5 && le32(v.data + off + 8) == 21 && c->nadmins < MAX_ADMINS)
			c->admins[c->nadmins++] = le32(v.data + off + 8 + 16);
		off += sl;
	}
}

static int on_name(void *p, mt_regf_key k)
{
	sam_ctx *c = p;
	mt_sam_user u;
	memset(&u, 0, sizeof(u));
	if (mt_regf_key_name(c->h, k, u.name, sizeof(u.name)) <= 0)
		return 0;
	u.last_logon = u.pwd_set = MT_TIME_NONE;
	int64_t cr = mt_filetime_unix(mt_regf_key_mtime(c->h, k));
	u.created = cr == INT64_MIN ? MT_TIME_NONE : cr;
	/* the RID is the type of the key's default value */
	mt_regf_value dv;
	if (mt_regf_value_get(c->h, k, "", &dv) == MT_OK)
		u.rid = dv.type;
	char hex[16];
	snprintf(hex, sizeof(hex), "%08X", u.rid);
	mt_regf_key uk;
	mt_regf_value f;
	if (u.rid && mt_regf_find(c->h, c->users, hex, &uk) == MT_OK &&
	    mt_regf_value_get(c->h, uk, "F", &f) == MT_OK && f.len >= 0x44) {
		u.has_f = 1;
		u.last_logon = ft(f.data + 0x08);
		u.pwd_set = ft(f.data + 0x18);
		u.acb = (uint32_t)f.data[0x38] | (uint32_t)f.data[0x39] << 8;
		u.f_rid = le32(f.data + 0x30);
		u.logons = (unsigned)f.data[0x42] | (unsigned)f.data[0x43] << 8;
	}
	u.admin = -1;
	if (c->admins_known) {
		u.admin = 0;
		for (size_t i = 0; i < c->nadmins; i++)
			if (c->admins[i] == u.rid)
				u.admin = 1;
	}
	return c->fn(c->ctx, &u);
}

mt_err mt_sam_each_user(mt_regf *sam, mt_sam_fn fn, void *ctx)
{
	if (!sam)
		return MT_ERR_NOENT;
	sam_ctx c;
	memset(&c, 0, sizeof(c));
	c.h = sam;
	c.fn = fn;
	c.ctx = ctx;
	mt_regf_key names;
	if (mt_regf_find(sam, mt_regf_root(sam), "SAM\\Domains\\Account\\Users", &c.users) !=
	            MT_OK ||
	    mt_regf_find(sam, c.users, "Names", &names) != MT_OK)
		return MT_ERR_NOENT;
	load_admins(&c);
	return mt_regf_each_subkey(sam, names, on_name, &c);
}
