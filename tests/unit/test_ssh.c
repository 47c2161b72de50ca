/* test_ssh.c - unit tests of collect/ssh.c: authorized_keys lines, fingerprints as
 * ssh-keygen -l prints them, sshd_config settings with includes and Match blocks,
 * AuthorizedKeysFile tokens, and the key files of every account of a planted root */
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/facts.h"
#include "collect/ssh.h"
#include "internal.h"
#include "t.h"

/* Public keys and their fingerprints from ssh-keygen -lf (OpenSSH 9.2). */
#define MDR_BODY                                                                           \
	"AAAAB3NzaC1yc2EAAAABJQAAAQEArDp4cun2lhr4KUhBGE7VvAcwdli2a8dbnrTOrbMz1+5O73fcBOx8NVbUT0b" \
	"UanUV9tJ2/9p7+vD0EpZ3Tz/+0kX34uAx1RV/75GVOmNx+9EuWOnvNoaJe0QXxziIg9eLBHpgLMuakb5+BgTFB" \
	"+rKJAw9u9FSTDengvS8hX1kNFS4Mjux0hJOK8rvcEmPecjdySYMb66nylAKGwCEE6WEQHmd1mUPgHwGQ0hWCwsQ" \
	"k13yCGPK5w6hYp5zYkFnvlC8hGmd4Ww+u97k6pfTGTUbJk14ujvcD9iUKQTTWYYjIIu5PmUux5bsZ0R4WFwdIe6" \
	"+i6rBLAsPKgAySVKPRK+oRw=="
#define MDR_FP "SHA256:MkYY9qiVsFGBC5WkjoClCkwEFW5iSjcGQF7m4n4H7Cw"
#define ED_BODY "AAAAC3NzaC1lZDI1NTE5AAAAIKjAihslyAFBSmRriJU1/3QK5+ziLJw2Ynb9xRpXqJDV"
#define ED_FP "SHA256:7IrocrKKj7GGHQebPFYqrviE7Ev9qCUfBL/ikjWBDco"
#define EC_BODY                                                                            \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNJTARuoirM7CfMdkRQ2c5JH6x5YUN3s1HC" \
	"aoccdhWAoY2Y/jLYlmffrE3f/qSPvn8aex1/fqSkJZ/idod8YJ/A="
#define EC_FP "SHA256:K8cNWuJOxgrPNz+rXY1oMxu/dzBgzv+PZL0I39X+Z4U"

static char *sub(const char *p, size_t n)
{
	static char buf[8][4096];
	static int i;
	i = (i + 1) % 8;
	if (!p)
		return NULL;
	snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)n, p);
	return buf[i];
}

static mt_authkey_status parse(const char *line, mt_authkey *k)
{
	return mt_authkey_parse(line, strlen(line), k);
}

static void test_authkey_plain(void)
{
	mt_authkey k;
	TEST_START("authorized_keys: plain keys, comments, skips");
	REQUIRE_INT_EQ(parse("ssh-ed25519 " ED_BODY " alice@laptop", &k), MT_AUTHKEY_OK);
	ASSERT_NULL(k.options);
	ASSERT_STR_EQ(sub(k.type, k.type_len), "ssh-ed25519");
	ASSERT_STR_EQ(sub(k.body, k.body_len), ED_BODY);
	ASSERT_STR_EQ(sub(k.comment, k.comment_len), "alice@laptop");

	/* comment with blanks, trailing blanks and CR cut, leading blanks skipped */
	REQUIRE_INT_EQ(parse("  \tssh-rsa " MDR_BODY "   my old key  \r", &k), MT_AUTHKEY_OK);
	ASSERT_STR_EQ(sub(k.comment, k.comment_len), "my old key");
	ASSERT_STR_EQ(sub(k.body, k.body_len), MDR_BODY);

	REQUIRE_INT_EQ(parse("ecdsa-sha2-nistp256 " EC_BODY, &k), MT_AUTHKEY_OK);
	ASSERT_NULL(k.comment);
	REQUIRE_INT_EQ(parse("sk-ssh-ed25519@openssh.com " ED_BODY " yubikey", &k), MT_AUTHKEY_OK);
	ASSERT_STR_EQ(sub(k.type, k.type_len), "sk-ssh-ed25519@openssh.com");
	ASSERT_INT_EQ(parse("sk-ecdsa-sha2-nistp256@openssh.com " EC_BODY, &k), MT_AUTHKEY_OK);
	ASSERT_INT_EQ(parse("ecdsa-sha2-nistp521 " EC_BODY, &k), MT_AUTHKEY_OK);
	ASSERT_INT_EQ(parse("ssh-ed25519-cert-v01@openssh.com " ED_BODY, &k), MT_AUTHKEY_OK);

	ASSERT_INT_EQ(parse("", &k), MT_AUTHKEY_SKIP);
	ASSERT_INT_EQ(parse("   \t ", &k), MT_AUTHKEY_SKIP);
	ASSERT_INT_EQ(parse("# ssh-rsa " MDR_BODY, &k), MT_AUTHKEY_SKIP);
	ASSERT_INT_EQ(parse("  # comment", &k), MT_AUTHKEY_SKIP);

	/* not keys: unknown type, no body, body not base64, type only after junk */
	ASSERT_INT_EQ(parse("ssh-foo " ED_BODY, &k), MT_AUTHKEY_BAD);
	ASSERT_INT_EQ(parse("ssh-ed25519", &k), MT_AUTHKEY_BAD);
	ASSERT_INT_EQ(parse("ssh-ed25519   ", &k), MT_AUTHKEY_BAD);
	ASSERT_INT_EQ(parse("ssh-ed25519 AAAA$$$$ x", &k), MT_AUTHKEY_BAD);
	ASSERT_INT_EQ(parse("hello world", &k), MT_AUTHKEY_BAD);
	ASSERT_INT_EQ(parse("no-pty hello " ED_BODY, &k), MT_AUTHKEY_BAD);
	TEST_DONE();
}

static void test_authkey_options(void)
{
	mt_authkey k;
	const char *v;
	size_t vl;
	TEST_START("authorized_keys: options before the key type, quoted commas and blanks");
	const char *line = "command=\"echo 'a, b' ; /tmp/.x/run \\\"q\\\"\",from=\"10.0.0.1,192.168.* "
	                   "\",no-pty,environment=\"LD_PRELOAD=/tmp/x.so\" ssh-rsa " MDR_BODY
	                   " mdrfckr";
	REQUIRE_INT_EQ(parse(line, &k), MT_AUTHKEY_OK);
	ASSERT_STR_EQ(sub(k.type, k.type_len), "ssh-rsa");
	ASSERT_STR_EQ(sub(k.body, k.body_len), MDR_BODY);
	ASSERT_STR_EQ(sub(k.comment, k.comment_len), "mdrfckr");
	ASSERT_INT_EQ(k.noptions, 4);
	ASSERT_TRUE(mt_authkey_option(&k, "command", &v, &vl));
	ASSERT_STR_EQ(sub(v, vl), "echo 'a, b' ; /tmp/.x/run \\\"q\\\"");
	ASSERT_TRUE(mt_authkey_option(&k, "FROM", &v, &vl));
	ASSERT_STR_EQ(sub(v, vl), "10.0.0.1,192.168.* ");
	ASSERT_TRUE(mt_authkey_option(&k, "no-pty", &v, &vl));
	ASSERT_NULL(v);
	ASSERT_TRUE(mt_authkey_option(&k, "environment", &v, &vl));
	ASSERT_STR_EQ(sub(v, vl), "LD_PRELOAD=/tmp/x.so");
	ASSERT_FALSE(mt_authkey_option(&k, "permitopen", NULL, NULL));
	ASSERT_STR_CONTAINS(sub(k.options, k.options_len), "no-pty,environment=");

	/* the cloud-init line that tells root to log in as another user */
	line = "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo 'Please "
	       "login as the user \\\"admin\\\" rather than the user \\\"root\\\".';echo;sleep 10;"
	       "exit 142\" ssh-ed25519 " ED_BODY " admin";
	REQUIRE_INT_EQ(parse(line, &k), MT_AUTHKEY_OK);
	ASSERT_INT_EQ(k.noptions, 4);
	ASSERT_TRUE(mt_authkey_option(&k, "command", &v, &vl));
	ASSERT_STR_CONTAINS(sub(v, vl), "sleep 10;exit 142");
	ASSERT_STR_EQ(sub(k.comment, k.comment_len), "admin");

	/* an unterminated quote is not a key */
	ASSERT_INT_EQ(parse("command=\"echo hi ssh-rsa " MDR_BODY, &k), MT_AUTHKEY_BAD);
	/* many options: counted, only the first kept */
	char many[4096];
	size_t ml = 0;
	for (int i = 0; i < 40; i++)
		ml += (size_t)snprintf(many + ml, sizeof(many) - ml, "no-pty,");
	snprintf(many + ml, sizeof(many) - ml, "restrict ssh-ed25519 " ED_BODY);
	REQUIRE_INT_EQ(parse(many, &k), MT_AUTHKEY_OK);
	ASSERT_INT_EQ(k.noptions, 41);
	ASSERT_FALSE(mt_authkey_option(&k, "restrict", NULL, NULL));
	TEST_DONE();
}

static void test_fingerprint(void)
{
	char fp[64], bt[64];
	TEST_START("fingerprints as ssh-keygen -l prints them");
	ASSERT_INT_EQ(mt_ssh_fingerprint(MDR_BODY, strlen(MDR_BODY), fp, bt), 0);
	ASSERT_STR_EQ(fp, MDR_FP);
	ASSERT_STR_EQ(bt, "ssh-rsa");
	ASSERT_INT_EQ(mt_ssh_fingerprint(ED_BODY, strlen(ED_BODY), fp, bt), 0);
	ASSERT_STR_EQ(fp, ED_FP);
	ASSERT_STR_EQ(bt, "ssh-ed25519");
	ASSERT_INT_EQ(mt_ssh_fingerprint(EC_BODY, strlen(EC_BODY), fp, NULL), 0);
	ASSERT_STR_EQ(fp, EC_FP);
	/* unpadded: 43 characters after the prefix */
	ASSERT_SIZE_EQ(strlen(fp), 7 + 43);
	/* not base64, bad padding, empty */
	ASSERT_INT_EQ(mt_ssh_fingerprint("AAA*", 4, fp, bt), -1);
	ASSERT_STR_EQ(fp, "");
	ASSERT_INT_EQ(mt_ssh_fingerprint("AA=A", 4, fp, bt), -1);
	ASSERT_INT_EQ(mt_ssh_fingerprint("A", 1, fp, bt), -1);
	ASSERT_INT_EQ(mt_ssh_fingerprint("", 0, fp, bt), -1);
	/* a blob too short to name its type: fingerprint still made, type empty */
	ASSERT_INT_EQ(mt_ssh_fingerprint("AAAA", 4, fp, bt), 0);
	ASSERT_STR_EQ(bt, "");
	ASSERT_TRUE(mt_ssh_key_type_known("ssh-rsa", 7));
	ASSERT_FALSE(mt_ssh_key_type_known("ssh-rs", 6));
	ASSERT_FALSE(mt_ssh_key_type_known("rsa-sha2-256", 12));
	TEST_DONE();
}

static unsigned inc_calls;
static char inc_last[256];

static void inc_record(void *ctx, const char *pattern, mt_sshd_config *c, unsigned depth)
{
	(void)ctx;
	inc_calls++;
	snprintf(inc_last, sizeof(inc_last), "%s", pattern);
	/* what an included file says lands where the Include stood */
	const char *text = "PasswordAuthentication no\n";
	mt_sshd_config_parse(c, "/etc/ssh/sshd_config.d/x.conf", text, strlen(text), NULL, NULL,
	                     depth);
}

static void test_sshd_parse(void)
{
	mt_sshd_config c;
	TEST_START("sshd_config: first value wins, case, '=', quotes, Match, Include");
	memset(&c, 0, sizeof(c));
	const char *text = "# comment\n"
	                   "   \n"
	                   "permitrootlogin=yes\n"
	                   "PermitRootLogin no\n"
	                   "Include /etc/ssh/sshd_config.d/*.conf\n"
	                   "PasswordAuthentication yes\n"
	                   "PERMITEMPTYPASSWORDS   yes   # trailing comment\n"
	                   "AuthorizedKeysFile \".ssh/authorized keys\" /etc/ssh/keys/%u\r\n"
	                   "Match User backup\n"
	                   "    PubkeyAuthentication no\n"
	                   "    AuthorizedKeysFile /srv/backup/keys\n"
	                   "Match all\n"
	                   "PubkeyAuthentication yes\n"
	                   "=novalue\n";
	mt_sshd_config_parse(&c, "/etc/ssh/sshd_config", text, strlen(text), inc_record, NULL, 0);
	ASSERT_STR_EQ(c.permit_root_login.value, "yes");
	ASSERT_INT_EQ(c.permit_root_login.lineno, 3);
	ASSERT_STR_EQ(c.permit_root_login.path, "/etc/ssh/sshd_config");
	ASSERT_INT_EQ(inc_calls, 1);
	ASSERT_STR_EQ(inc_last, "/etc/ssh/sshd_config.d/*.conf");
	/* the include came first: its "no" wins over the main file's later "yes" */
	ASSERT_STR_EQ(c.password_auth.value, "no");
	ASSERT_STR_EQ(c.password_auth.path, "/etc/ssh/sshd_config.d/x.conf");
	ASSERT_STR_EQ(c.permit_empty.value, "yes");
	REQUIRE_INT_EQ(c.nakf, 2);
	ASSERT_STR_EQ(c.akf[0], ".ssh/authorized keys");
	ASSERT_STR_EQ(c.akf[1], "/etc/ssh/keys/%u");
	ASSERT_INT_EQ(c.akf_line.lineno, 8);
	/* Match User: not global; after "Match all" settings count again */
	ASSERT_STR_EQ(c.pubkey_auth.value, "yes");
	ASSERT_INT_EQ(c.pubkey_auth.lineno, 13);
	ASSERT_INT_EQ(c.bad, 1);
	mt_sshd_config_free(&c);
	ASSERT_NULL(c.permit_root_login.value);

	const char *const *pats;
	ASSERT_SIZE_EQ(mt_sshd_akf(&c, &pats), 2);
	ASSERT_STR_EQ(pats[0], ".ssh/authorized_keys");
	ASSERT_STR_EQ(pats[1], ".ssh/authorized_keys2");
	ASSERT_SIZE_EQ(mt_sshd_akf(NULL, &pats), 2);
	TEST_DONE();
}

static void test_expand(void)
{
	char out[256];
	TEST_START("AuthorizedKeysFile tokens");
	ASSERT_INT_EQ(mt_sshd_expand_akf(".ssh/authorized_keys", "alice", 1001, "/home/alice", out,
	                                 sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/home/alice/.ssh/authorized_keys");
	ASSERT_INT_EQ(mt_sshd_expand_akf("%h/.ssh/k", "root", 0, "/root/", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/root//.ssh/k");
	ASSERT_INT_EQ(mt_sshd_expand_akf("/etc/ssh/keys/%u.%U%%", "bob", 7, "/home/bob", out,
	                                 sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/etc/ssh/keys/bob.7%");
	ASSERT_INT_EQ(mt_sshd_expand_akf("keys/%u", "bob", 7, "/", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/keys/bob");
	ASSERT_INT_EQ(mt_sshd_expand_akf("none", "bob", 7, "/home/bob", out, sizeof(out)), -1);
	ASSERT_INT_EQ(mt_sshd_expand_akf("%x/k", "bob", 7, "/home/bob", out, sizeof(out)), -1);
	ASSERT_INT_EQ(mt_sshd_expand_akf("k%", "bob", 7, "/home/bob", out, sizeof(out)), -1);
	ASSERT_INT_EQ(mt_sshd_expand_akf("k", "bob", 7, "relative", out, sizeof(out)), -1);
	ASSERT_INT_EQ(mt_sshd_expand_akf("%h/.ssh/authorized_keys", "bob", 7, "/home/bob", out, 10),
	              -1);
	TEST_DONE();
}

/* ---- a planted root ---- */

static char base[64];

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	for (char *s = p + strlen(base) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	FILE *f = fopen(p, "w");
	REQUIRE_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

typedef struct seen {
	unsigned n;
	char paths[16][128];
	unsigned lines[16];
	char users[16][32];
	char fps[16][64];
} seen;

static int on_key(void *ctx, const mt_authkey_entry *e)
{
	seen *s = ctx;
	if (s->n < 16) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", e->path);
		snprintf(s->users[s->n], sizeof(s->users[0]), "%s", e->user->name);
		snprintf(s->fps[s->n], sizeof(s->fps[0]), "%s", e->fingerprint);
		s->lines[s->n] = e->lineno;
	}
	s->n++;
	return 0;
}

static void test_tree(void)
{
	TEST_START("sshd_config includes and every account's key files in a root");
	snprintf(base, sizeof(base), "/tmp/mt-test-ssh-XXXXXX");
	REQUIRE_NOT_NULL(mkdtemp(base));
	put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
	                  "toor:x:0:0:second:/root:/bin/sh\n"
	                  "alice:x:1000:1000::/home/alice:/bin/bash\n"
	                  "nohome:x:1001:1001:::/bin/bash\n"
	                  "bob:x:1002:1002::/home/bob:/bin/bash\n");
	put("etc/ssh/sshd_config", "Include sshd_config.d/*.conf\n"
	                           "PasswordAuthentication yes\n"
	                           "AuthorizedKeysFile .ssh/authorized_keys\n");
	put("etc/ssh/sshd_config.d/50-a.conf", "PasswordAuthentication no\n"
	                                       "Include /etc/ssh/extra/loop.conf\n");
	put("etc/ssh/sshd_config.d/90-keys.conf",
	    "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u\n");
	put("etc/ssh/sshd_config.d/ignored.bak", "PermitRootLogin yes\n");
	put("etc/ssh/sshd_config.d/.hidden.conf", "PermitRootLogin yes\n");
	/* includes itself: stops at the depth cap */
	put("etc/ssh/extra/loop.conf", "Include /etc/ssh/extra/loop.conf\nPermitEmptyPasswords no\n");
	put("root/.ssh/authorized_keys", "# root\nssh-rsa " MDR_BODY " mdrfckr\n\nnot a key\n"
	                                 "from=\"1.2.3.4\" ssh-ed25519 " ED_BODY "\n");
	put("home/alice/.ssh/authorized_keys", "ecdsa-sha2-nistp256 " EC_BODY " alice\n");
	put("etc/ssh/keys/bob", "ssh-ed25519 " ED_BODY " bob-central\n");

	mt_host *h;
	mt_report *rep;
	REQUIRE_INT_EQ(mt_host_open(base, 0, &h), MT_OK);
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);
	mt_sshd_config c;
	ASSERT_INT_EQ(mt_sshd_config_load(h, rep, &c), MT_OK);
	ASSERT_INT_EQ(c.found, 1);
	ASSERT_STR_EQ(c.password_auth.value, "no");
	ASSERT_STR_EQ(c.password_auth.path, "/etc/ssh/sshd_config.d/50-a.conf");
	ASSERT_NULL(c.permit_root_login.value); /* .bak and dot files not included */
	ASSERT_STR_EQ(c.permit_empty.value, "no");
	ASSERT_STR_EQ(c.akf_line.value, ".ssh/authorized_keys /etc/ssh/keys/%u");
	ASSERT_STR_EQ(c.akf_line.path, "/etc/ssh/sshd_config.d/90-keys.conf");
	ASSERT_INT_GE(c.files, 4);
	ASSERT_INT_LE(c.files, 16);

	mt_users *u;
	REQUIRE_INT_EQ(mt_users_load(h, rep, &u), MT_OK);
	seen s;
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_authkeys_collect(h, rep, u, &c, on_key, &s), MT_OK);
	/* root's file once (toor shares /root), the bad line skipped */
	REQUIRE_INT_EQ(s.n, 4);
	ASSERT_STR_EQ(s.paths[0], "/root/.ssh/authorized_keys");
	ASSERT_INT_EQ(s.lines[0], 2);
	ASSERT_STR_EQ(s.users[0], "root");
	ASSERT_STR_EQ(s.fps[0], MDR_FP);
	ASSERT_INT_EQ(s.lines[1], 5);
	ASSERT_STR_EQ(s.fps[1], ED_FP);
	ASSERT_STR_EQ(s.paths[2], "/home/alice/.ssh/authorized_keys");
	ASSERT_STR_EQ(s.fps[2], EC_FP);
	ASSERT_STR_EQ(s.paths[3], "/etc/ssh/keys/bob");
	ASSERT_STR_EQ(s.users[3], "bob");

	/* the diagnostics name the bad line and the include loop */
	const char *const *diag;
	size_t total, nd = mt__report_ndiag(rep, &total, &diag);
	int bad_line = 0, too_deep = 0;
	for (size_t i = 0; i < nd; i++) {
		bad_line |= strstr(diag[i], "/root/.ssh/authorized_keys: 1 line(s)") != NULL;
		too_deep |= strstr(diag[i], "nested too deep") != NULL;
	}
	ASSERT_TRUE(bad_line);
	ASSERT_TRUE(too_deep);
	mt_users_free(u);
	mt_sshd_config_free(&c);
	mt_report_free(rep);
	mt_host_close(h);

	/* no sshd_config: defaults, found 0 */
	char p[128];
	snprintf(p, sizeof(p), "%s/etc/ssh/sshd_config", base);
	REQUIRE_INT_EQ(unlink(p), 0);
	REQUIRE_INT_EQ(mt_host_open(base, 0, &h), MT_OK);
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);
	ASSERT_INT_EQ(mt_sshd_config_load(h, rep, &c), MT_OK);
	ASSERT_INT_EQ(c.found, 0);
	ASSERT_NULL(c.password_auth.value);
	mt_sshd_config_free(&c);
	mt_report_free(rep);
	mt_host_close(h);
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	TEST_DONE();
}

int main(void)
{
	test_authkey_plain();
	test_authkey_options();
	test_fingerprint();
	test_sshd_parse();
	test_expand();
	test_tree();
	return T_DONE();
}
