/* test_wintask.c - unit tests of collect/win/wintask.c: a Windows default task and a
 * miner's task written here in UTF-8 and turned into UTF-16LE with a BOM the way
 * Windows stores System32\Tasks files (and into the other encodings), entities, CDATA,
 * comments, cut files, garbage, nesting and attribute bombs */
#include <stdio.h>
#include <string.h>

#include "collect/win/wintask.h"
#include "t.h"

/* Scheduled defragmentation as Windows 10 ships it (a COM handler, run as SYSTEM). */
static const char default_task[] =
	"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
	"<Task version=\"1.6\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
	"  <RegistrationInfo>\n"
	"    <Source>$(@%systemRoot%\\system32\\dfrgui.exe,-126)</Source>\n"
	"    <Author>Microsoft Corporation</Author>\n"
	"    <Description>$(@%systemRoot%\\system32\\dfrgui.exe,-127)</Description>\n"
	"    <URI>\\Microsoft\\Windows\\Defrag\\ScheduledDefrag</URI>\n"
	"    <SecurityDescriptor>D:AI(A;;FA;;;BA)(A;;FA;;;SY)(A;;FRFX;;;LS)(A;;FR;;;AU)"
	"</SecurityDescriptor>\n"
	"  </RegistrationInfo>\n"
	"  <Principals>\n"
	"    <Principal id=\"LocalSystem\">\n"
	"      <UserId>S-1-5-18</UserId>\n"
	"      <RunLevel>HighestAvailable</RunLevel>\n"
	"    </Principal>\n"
	"  </Principals>\n"
	"  <Settings>\n"
	"    <DisallowStartIfOnBatteries>true</DisallowStartIfOnBatteries>\n"
	"    <StopIfGoingOnBatteries>true</StopIfGoingOnBatteries>\n"
	"    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
	"    <IdleSettings>\n"
	"      <Duration>PT10M</Duration>\n"
	"      <WaitTimeout>PT1H</WaitTimeout>\n"
	"      <StopOnIdleEnd>true</StopOnIdleEnd>\n"
	"      <RestartOnIdle>false</RestartOnIdle>\n"
	"    </IdleSettings>\n"
	"    <MaintenanceSettings>\n"
	"      <Period>P7D</Period>\n"
	"      <Deadline>P1M</Deadline>\n"
	"      <Exclusive>false</Exclusive>\n"
	"    </MaintenanceSettings>\n"
	"    <UseUnifiedSchedulingEngine>true</UseUnifiedSchedulingEngine>\n"
	"    <Priority>7</Priority>\n"
	"  </Settings>\n"
	"  <Triggers />\n"
	"  <Actions Context=\"LocalSystem\">\n"
	"    <Exec>\n"
	"      <Command>%windir%\\system32\\defrag.exe</Command>\n"
	"      <Arguments>-c -h -o -$</Arguments>\n"
	"    </Exec>\n"
	"    <ComHandler>\n"
	"      <ClassId>{bb3ec9d4-7d5c-4a3d-8e5d-32d4a2d7e4e4}</ClassId>\n"
	"      <Data><![CDATA[<DefragTask><Volumes>all</Volumes></DefragTask>]]></Data>\n"
	"    </ComHandler>\n"
	"  </Actions>\n"
	"</Task>\n";

/* A fileless miner's task (the kind the Sangfor handbook and the WannaMine write-ups
 * show): a Microsoft-looking name, hidden, SYSTEM, every five minutes, encoded
 * PowerShell. */
static const char miner_task[] =
	"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n"
	"<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\r\n"
	"  <RegistrationInfo>\r\n"
	"    <Date>2019-05-14T03:12:45.1234567</Date>\r\n"
	"    <Author>Microsoft Corporation</Author>\r\n"
	"    <Description>系统语言包更新 (language pack update)</Description>\r\n"
	"    <URI>\\Microsoft\\Windows\\MUI\\LPupdate</URI>\r\n"
	"  </RegistrationInfo>\r\n"
	"  <Triggers>\r\n"
	"    <TimeTrigger>\r\n"
	"      <Repetition>\r\n"
	"        <Interval>PT5M</Interval>\r\n"
	"        <StopAtDurationEnd>false</StopAtDurationEnd>\r\n"
	"      </Repetition>\r\n"
	"      <StartBoundary>2019-05-14T03:15:00</StartBoundary>\r\n"
	"      <Enabled>true</Enabled>\r\n"
	"    </TimeTrigger>\r\n"
	"    <BootTrigger>\r\n"
	"      <Enabled>false</Enabled>\r\n"
	"    </BootTrigger>\r\n"
	"    <LogonTrigger>\r\n"
	"      <UserId>WIN-7QH2\\Administrator</UserId>\r\n"
	"    </LogonTrigger>\r\n"
	"  </Triggers>\r\n"
	"  <Principals>\r\n"
	"    <Principal id=\"Author\">\r\n"
	"      <UserId>S-1-5-18</UserId>\r\n"
	"      <LogonType>ServiceAccount</LogonType>\r\n"
	"      <RunLevel>HighestAvailable</RunLevel>\r\n"
	"    </Principal>\r\n"
	"    <Principal id=\"Other\">\r\n"
	"      <UserId>S-1-5-19</UserId>\r\n"
	"    </Principal>\r\n"
	"  </Principals>\r\n"
	"  <Settings>\r\n"
	"    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\r\n"
	"    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\r\n"
	"    <AllowHardTerminate>false</AllowHardTerminate>\r\n"
	"    <Hidden>true</Hidden>\r\n"
	"    <Enabled>true</Enabled>\r\n"
	"    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>\r\n"
	"  </Settings>\r\n"
	"  <Actions Context=\"Author\">\r\n"
	"    <Exec>\r\n"
	"      <Command>powershell.exe</Command>\r\n"
	"      <Arguments>-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAu"
	"AFcAZQBiAEMAbABpAGUAbgB0ACkA</Arguments>\r\n"
	"    </Exec>\r\n"
	"  </Actions>\r\n"
	"</Task>\r\n";

/* UTF-8 to UTF-16 (le or be), with a BOM when bom; the caller frees. */
static unsigned char *to_utf16(const char *s, int bom, int be, size_t *len)
{
	size_t n = strlen(s), o = 0;
	unsigned char *out = malloc(4 * n + 4);
	if (!out)
		return NULL;
	if (bom) {
		out[o++] = be ? 0xfe : 0xff;
		out[o++] = be ? 0xff : 0xfe;
	}
	for (size_t i = 0; i < n;) {
		unsigned c = (unsigned char)s[i], cp, k;
		if (c < 0x80) {
			cp = c;
			k = 1;
		} else if (c < 0xe0) {
			cp = c & 0x1f;
			k = 2;
		} else if (c < 0xf0) {
			cp = c & 0x0f;
			k = 3;
		} else {
			cp = c & 0x07;
			k = 4;
		}
		for (unsigned j = 1; j < k && i + j < n; j++)
			cp = cp << 6 | ((unsigned char)s[i + j] & 0x3f);
		i += k;
		unsigned units[2], nu = 1;
		if (cp >= 0x10000) {
			units[0] = 0xd800 + ((cp - 0x10000) >> 10);
			units[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
			nu = 2;
		} else {
			units[0] = cp;
		}
		for (unsigned u = 0; u < nu; u++) {
			out[o++] = (unsigned char)(be ? units[u] >> 8 : units[u] & 0xff);
			out[o++] = (unsigned char)(be ? units[u] & 0xff : units[u] >> 8);
		}
	}
	*len = o;
	return out;
}

static mt_err parse_str(const char *s, mt_task *t, int *trunc)
{
	return mt_task_parse((const uint8_t *)s, strlen(s), t, trunc);
}

static void check_default(const mt_task *t)
{
	ASSERT_STR_EQ(t->uri, "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag");
	ASSERT_STR_EQ(t->author, "Microsoft Corporation");
	ASSERT_STR_EQ(t->description, "$(@%systemRoot%\\system32\\dfrgui.exe,-127)");
	ASSERT_NULL(t->date);
	ASSERT_STR_EQ(t->user_id, "S-1-5-18");
	ASSERT_STR_EQ(t->run_level, "HighestAvailable");
	ASSERT_NULL(t->logon_type);
	ASSERT_INT_EQ(t->hidden, 0);
	ASSERT_INT_EQ(t->enabled, 1);
	ASSERT_SIZE_EQ(t->ntriggers, 0);
	REQUIRE_INT_EQ(t->nactions, 2);
	ASSERT_INT_EQ(t->actions[0].kind, MT_TASK_EXEC);
	ASSERT_STR_EQ(t->actions[0].command, "%windir%\\system32\\defrag.exe");
	ASSERT_STR_EQ(t->actions[0].arguments, "-c -h -o -$");
	ASSERT_NULL(t->actions[0].workdir);
	ASSERT_INT_EQ(t->actions[1].kind, MT_TASK_COM);
	ASSERT_STR_EQ(t->actions[1].clsid, "{bb3ec9d4-7d5c-4a3d-8e5d-32d4a2d7e4e4}");
	ASSERT_STR_EQ(t->actions[1].com_data, "<DefragTask><Volumes>all</Volumes></DefragTask>");
	ASSERT_NULL(t->actions[1].command);
	ASSERT_INT_EQ(t->dropped, 0);
}

static void check_miner(const mt_task *t)
{
	ASSERT_STR_EQ(t->uri, "\\Microsoft\\Windows\\MUI\\LPupdate");
	ASSERT_STR_EQ(t->date, "2019-05-14T03:12:45.1234567");
	ASSERT_STR_EQ(t->description, "系统语言包更新 (language pack update)");
	ASSERT_STR_EQ(t->user_id, "S-1-5-18"); /* the first principal's */
	ASSERT_STR_EQ(t->run_level, "HighestAvailable");
	ASSERT_STR_EQ(t->logon_type, "ServiceAccount");
	ASSERT_INT_EQ(t->hidden, 1);
	ASSERT_INT_EQ(t->enabled, 1);
	REQUIRE_INT_EQ(t->ntriggers, 3);
	ASSERT_INT_EQ(t->triggers[0].kind, MT_TRIG_TIME);
	ASSERT_INT_EQ(t->triggers[0].enabled, 1);
	ASSERT_INT_EQ(t->triggers[0].interval, 300);
	ASSERT_STR_EQ(t->triggers[0].start, "2019-05-14T03:15:00");
	ASSERT_INT_EQ(t->triggers[1].kind, MT_TRIG_BOOT);
	ASSERT_INT_EQ(t->triggers[1].enabled, 0);
	ASSERT_INT_EQ(t->triggers[1].interval, 0);
	ASSERT_NULL(t->triggers[1].start);
	ASSERT_INT_EQ(t->triggers[2].kind, MT_TRIG_LOGON);
	ASSERT_STR_EQ(t->triggers[2].user, "WIN-7QH2\\Administrator");
	REQUIRE_INT_EQ(t->nactions, 1);
	ASSERT_INT_EQ(t->actions[0].kind, MT_TASK_EXEC);
	ASSERT_STR_EQ(t->actions[0].command, "powershell.exe");
	ASSERT_STR_CONTAINS(t->actions[0].arguments, "-nop -w hidden -enc SQBFAFgA");
	mt_buf b;
	mt_buf_init(&b, 4096);
	mt_task_action_line(&t->actions[0], &b);
	ASSERT_STR_EQ(b.data,
	              "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQB"
	              "jAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA");
	mt_buf_free(&b);
}

static void test_encodings(void)
{
	mt_task t;
	int trunc = -1;
	size_t n;
	unsigned char *u;

	TEST_START("default task, UTF-16LE with BOM");
	u = to_utf16(default_task, 1, 0, &n);
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u[0], 0xff);
	ASSERT_INT_EQ(u[1], 0xfe);
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 0);
	check_default(&t);
	mt_task_free(&t);
	free(u);
	TEST_DONE();

	TEST_START("miner task, UTF-16LE with BOM");
	u = to_utf16(miner_task, 1, 0, &n);
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 0);
	check_miner(&t);
	mt_task_free(&t);

	TEST_START("miner task cut in half: what came before, truncated");
	for (size_t cut = n / 2; cut <= n / 2 + 1; cut++) { /* even and odd cuts */
		trunc = 0;
		ASSERT_INT_EQ(mt_task_parse(u, cut, &t, &trunc), MT_OK);
		ASSERT_INT_EQ(trunc, 1);
		ASSERT_STR_EQ(t.uri, "\\Microsoft\\Windows\\MUI\\LPupdate");
		ASSERT_SIZE_EQ(t.ntriggers, 3);
		ASSERT_SIZE_EQ(t.nactions, 0);
		mt_task_free(&t);
	}
	/* cut inside the arguments: the command and the start of the arguments are kept */
	const char *args = strstr(miner_task, "-nop");
	size_t chars = 0;
	for (const char *p = miner_task; p < args + 10; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80; /* BMP only: one unit each */
	trunc = 0;
	ASSERT_INT_EQ(mt_task_parse(u, 2 + 2 * chars, &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 1);
	REQUIRE_INT_EQ(t.nactions, 1);
	ASSERT_STR_EQ(t.actions[0].command, "powershell.exe");
	ASSERT_STR_EQ(t.actions[0].arguments, "-nop -w hi");
	mt_task_free(&t);
	ASSERT_INT_EQ(mt_task_parse(u, 2, &t, &trunc), MT_ERR_PARSE); /* a BOM only */
	mt_task_free(&t);
	free(u);
	TEST_DONE();

	TEST_START("UTF-16LE without BOM, UTF-16BE with BOM and without");
	u = to_utf16(miner_task, 0, 0, &n);
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, &trunc), MT_OK);
	check_miner(&t);
	mt_task_free(&t);
	free(u);
	u = to_utf16(miner_task, 1, 1, &n);
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, &trunc), MT_OK);
	check_miner(&t);
	mt_task_free(&t);
	free(u);
	u = to_utf16(miner_task, 0, 1, &n);
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, &trunc), MT_OK);
	check_miner(&t);
	mt_task_free(&t);
	free(u);
	TEST_DONE();

	TEST_START("UTF-8 with BOM and without");
	ASSERT_INT_EQ(parse_str(default_task, &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 0);
	check_default(&t);
	mt_task_free(&t);
	size_t ml = strlen(miner_task);
	char *b = malloc(ml + 4);
	REQUIRE_NOT_NULL(b);
	memcpy(b, "\xef\xbb\xbf", 3);
	memcpy(b + 3, miner_task, ml + 1);
	ASSERT_INT_EQ(mt_task_parse((const uint8_t *)b, ml + 3, &t, NULL), MT_OK);
	check_miner(&t);
	mt_task_free(&t);
	free(b);
	TEST_DONE();

	TEST_START("UTF-16 with a character outside the BMP and an unpaired surrogate");
	u = to_utf16("<Task><RegistrationInfo><Author>a😀b</Author></RegistrationInfo></Task>", 1, 0,
	             &n);
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, NULL), MT_OK);
	ASSERT_STR_EQ(t.author, "a😀b");
	mt_task_free(&t);
	/* the high surrogate alone (the low one replaced by 'X') */
	for (size_t i = 2; i + 1 < n; i += 2)
		if (u[i + 1] == 0xde) {
			u[i] = 'X';
			u[i + 1] = 0;
		}
	ASSERT_INT_EQ(mt_task_parse(u, n, &t, NULL), MT_OK);
	ASSERT_STR_EQ(t.author, "a\xef\xbf\xbdXb");
	mt_task_free(&t);
	free(u);
	TEST_DONE();
}

static void test_syntax(void)
{
	mt_task t;
	int trunc;

	TEST_START("entities, character references, CDATA, comments, PIs");
	ASSERT_INT_EQ(parse_str("<?xml version='1.0'?><!-- lead -->\n"
	                        "<Task><Actions><Exec>"
	                        "<Command>c:\\win<!-- x -->dows\\cmd<?pi x?>.exe</Command>"
	                        "<Arguments>/c &quot;a &amp; b&quot; &lt;&gt; &apos;&#x41;&#66;"
	                        "&#x1F600;&#0;&bogus; & &#xZZ;</Arguments>"
	                        "<WorkingDirectory><![CDATA[C:\\<tmp>&amp;]]></WorkingDirectory>"
	                        "</Exec></Actions></Task><!-- trail -->\n",
	                        &t, &trunc),
	              MT_OK);
	ASSERT_INT_EQ(trunc, 0);
	REQUIRE_INT_EQ(t.nactions, 1);
	ASSERT_STR_EQ(t.actions[0].command, "c:\\windows\\cmd.exe");
	ASSERT_STR_EQ(t.actions[0].arguments,
	              "/c \"a & b\" <> 'AB\xf0\x9f\x98\x80\xef\xbf\xbd&bogus; & &#xZZ;");
	ASSERT_STR_EQ(t.actions[0].workdir, "C:\\<tmp>&amp;");
	mt_task_free(&t);
	TEST_DONE();

	TEST_START("namespace prefixes, attributes, self-closing elements, DOCTYPE skipped");
	ASSERT_INT_EQ(parse_str("<!DOCTYPE Task [<!ENTITY x \"boom\"> <!-- ] > -->]>"
	                        "<t:Task xmlns:t='urn:x' a=\"1\" b='&gt;'>"
	                        "<t:Settings><t:Enabled>false</t:Enabled><t:Hidden>1</t:Hidden>"
	                        "</t:Settings><t:Triggers><t:IdleTrigger/><t:EventTrigger>"
	                        "<t:Subscription>&lt;QueryList/&gt;</t:Subscription>"
	                        "</t:EventTrigger><t:SessionStateChangeTrigger/>"
	                        "<t:RegistrationTrigger/><t:CalendarTrigger><t:Repetition>"
	                        "<t:Interval>PT1H30M</t:Interval></t:Repetition>"
	                        "</t:CalendarTrigger><t:WnfStateChangeTrigger/></t:Triggers>"
	                        "<t:RegistrationInfo><t:Author>&x;</t:Author>"
	                        "</t:RegistrationInfo></t:Task>",
	                        &t, &trunc),
	              MT_OK);
	ASSERT_INT_EQ(t.enabled, 0);
	ASSERT_INT_EQ(t.hidden, 1);
	REQUIRE_INT_EQ(t.ntriggers, 6);
	ASSERT_INT_EQ(t.triggers[0].kind, MT_TRIG_IDLE);
	ASSERT_INT_EQ(t.triggers[1].kind, MT_TRIG_EVENT);
	ASSERT_INT_EQ(t.triggers[2].kind, MT_TRIG_SESSION);
	ASSERT_INT_EQ(t.triggers[3].kind, MT_TRIG_REG);
	ASSERT_INT_EQ(t.triggers[4].kind, MT_TRIG_CALENDAR);
	ASSERT_INT_EQ(t.triggers[4].interval, 5400);
	ASSERT_INT_EQ(t.triggers[5].kind, MT_TRIG_OTHER);
	ASSERT_STR_EQ(t.author, "&x;"); /* never expanded */
	mt_task_free(&t);
	TEST_DONE();

	TEST_START("element names are case-sensitive; values are picked by their path");
	ASSERT_INT_EQ(parse_str("<Task><actions><Exec><Command>a.exe</Command></Exec></actions>"
	                        "<Actions><Exec><command>b.exe</command></Exec>"
	                        "<Exec><Foo><Command>c.exe</Command></Foo></Exec></Actions>"
	                        "<URI>\\not\\here</URI></Task>",
	                        &t, &trunc),
	              MT_OK);
	ASSERT_SIZE_EQ(t.nactions, 2);
	ASSERT_NULL(t.actions[0].command);
	ASSERT_NULL(t.actions[1].command);
	ASSERT_NULL(t.uri);
	mt_task_free(&t);
	ASSERT_INT_EQ(parse_str("<task></task>", &t, NULL), MT_ERR_PARSE);
	mt_task_free(&t);
	TEST_DONE();

	TEST_START("repetition intervals");
	static const struct {
		const char *iso;
		unsigned secs;
	} d[] = {{"PT5M", 300},
	         {"P1D", 86400},
	         {"PT1H30M", 5400},
	         {"PT1M", 60},
	         {"PT30S", 30},
	         {"P1DT2H", 93600},
	         {"P1W", 604800},
	         {"PT1.5S", 1},
	         {"PT", 0},
	         {"P", 0},
	         {"5M", 0},
	         {"PT5X", 0},
	         {"P1H", 0},
	         {"PT1D", 0},
	         {"P1M", 2592000},
	         {"P1Y", 31536000},
	         {"P999999999999Y", 4294967295u}};
	for (size_t i = 0; i < MT_ARRAY_LEN(d); i++) {
		char doc[256];
		snprintf(doc, sizeof(doc),
		         "<Task><Triggers><TimeTrigger><Repetition><Interval> %s </Interval>"
		         "</Repetition></TimeTrigger></Triggers></Task>",
		         d[i].iso);
		ASSERT_INT_EQ(parse_str(doc, &t, NULL), MT_OK);
		REQUIRE_INT_EQ(t.ntriggers, 1);
		ASSERT_U64_EQ(t.triggers[0].interval, d[i].secs);
		mt_task_free(&t);
	}
	TEST_DONE();

	TEST_START("actions and triggers over the caps are counted");
	mt_buf b;
	mt_buf_init(&b, 1 << 20);
	mt_buf_adds(&b, "<Task><Actions>");
	for (int i = 0; i < MT_TASK_MAX_ACTIONS + 4; i++)
		mt_buf_printf(&b, "<Exec><Command>x%d.exe</Command></Exec>", i);
	mt_buf_adds(&b, "</Actions><Triggers>");
	for (int i = 0; i < MT_TASK_MAX_TRIGGERS + 2; i++)
		mt_buf_adds(&b, "<BootTrigger/>");
	mt_buf_adds(&b, "</Triggers></Task>");
	ASSERT_INT_EQ(parse_str(b.data, &t, NULL), MT_OK);
	ASSERT_SIZE_EQ(t.nactions, MT_TASK_MAX_ACTIONS);
	ASSERT_SIZE_EQ(t.ntriggers, MT_TASK_MAX_TRIGGERS);
	ASSERT_INT_EQ(t.dropped, 6);
	ASSERT_STR_EQ(t.actions[MT_TASK_MAX_ACTIONS - 1].command, "x15.exe");
	mt_task_free(&t);
	mt_buf_free(&b);
	TEST_DONE();
}

static void test_hostile(void)
{
	mt_task t;
	int trunc;
	mt_buf b;

	TEST_START("garbage and other documents: MT_ERR_PARSE");
	static const char *bad[] = {
		"",
		"hello",
		"<html><body>x</body></html>",
		"<Task><URI></Task>",
		"<Task><Exec></exec></Task>",
		"<Task><a></b></a></Task>",
		"junk<Task></Task>",
		"<Task a=1></Task>",
		"<Task a=\"1\"b=\"2\"></Task>",
		"<Task a=\"<\"></Task>",
		"<Task><1x/></Task>",
		"<Task><!ELEMENT x ANY></Task>",
		"</Task>",
		"<Task/ >",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(bad); i++) {
		ASSERT_INT_EQ(parse_str(bad[i], &t, NULL), MT_ERR_PARSE);
		mt_task_free(&t);
	}
	uint8_t rnd[4096];
	uint32_t seed = 12345;
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(rnd); i++) {
			seed = seed * 1103515245u + 12345u;
			rnd[i] = (uint8_t)(seed >> 16);
		}
		rnd[0] = 'x'; /* not a BOM, not '<' */
		ASSERT_INT_EQ(mt_task_parse(rnd, sizeof(rnd), &t, NULL), MT_ERR_PARSE);
		mt_task_free(&t);
	}
	TEST_DONE();

	TEST_START("cut inside constructs: truncated, never an overread");
	static const char *cutdoc[] = {
		"<Task><Actions><Exec><Command>cmd.exe",
		"<Task><!-- never closed",
		"<Task><Actions><Exec><Command><![CDATA[cmd",
		"<Task attr=\"x",
		"<Task><Settings",
		"<Task><?pi",
		"<Task></Tas",
		"<Task><",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(cutdoc); i++) {
		trunc = 0;
		mt_err e = parse_str(cutdoc[i], &t, &trunc);
		ASSERT_TRUE((e == MT_OK && trunc == 1) || (i >= 3 && e == MT_ERR_PARSE));
		mt_task_free(&t);
	}
	trunc = 0;
	ASSERT_INT_EQ(parse_str(cutdoc[0], &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 1);
	REQUIRE_INT_EQ(t.nactions, 1);
	ASSERT_STR_EQ(t.actions[0].command, "cmd.exe");
	mt_task_free(&t);
	/* a NUL ends the text: what follows is not read */
	static const char withnul[] =
		"<Task><RegistrationInfo><URI>\\a</URI></RegistrationInfo>\0<Actions></Actions></Task>";
	trunc = 0;
	ASSERT_INT_EQ(mt_task_parse((const uint8_t *)withnul, sizeof(withnul) - 1, &t, &trunc),
	              MT_OK);
	ASSERT_INT_EQ(trunc, 1);
	ASSERT_STR_EQ(t.uri, "\\a");
	mt_task_free(&t);
	TEST_DONE();

	TEST_START("deep nesting is capped");
	mt_buf_init(&b, 4u << 20);
	mt_buf_adds(&b, "<Task>");
	for (int i = 0; i < 100000; i++)
		mt_buf_adds(&b, "<a>");
	ASSERT_INT_EQ(b.err, MT_OK);
	ASSERT_INT_EQ(parse_str(b.data, &t, NULL), MT_ERR_LIMIT);
	mt_task_free(&t);
	mt_buf_reset(&b);
	mt_buf_adds(&b, "<Task>");
	for (int i = 0; i < MT_TASK_MAX_DEPTH; i++) /* one past the cap */
		mt_buf_adds(&b, "<a>");
	ASSERT_INT_EQ(parse_str(b.data, &t, NULL), MT_ERR_LIMIT);
	mt_task_free(&t);
	mt_buf_reset(&b);
	mt_buf_adds(&b, "<Task><Actions><Exec><Command>deep.exe</Command></Exec></Actions>");
	for (int i = 1; i < MT_TASK_MAX_DEPTH; i++) /* exactly at the cap: fine */
		mt_buf_adds(&b, "<a>");
	for (int i = 1; i < MT_TASK_MAX_DEPTH; i++)
		mt_buf_adds(&b, "</a>");
	mt_buf_adds(&b, "</Task>");
	ASSERT_INT_EQ(parse_str(b.data, &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 0);
	REQUIRE_INT_EQ(t.nactions, 1);
	ASSERT_STR_EQ(t.actions[0].command, "deep.exe");
	mt_task_free(&t);
	TEST_DONE();

	TEST_START("huge attribute counts are capped");
	mt_buf_reset(&b);
	mt_buf_adds(&b, "<Task");
	for (int i = 0; i < 100000; i++)
		mt_buf_printf(&b, " a%d=\"%d\"", i, i);
	mt_buf_adds(&b, "></Task>");
	ASSERT_INT_EQ(b.err, MT_OK);
	ASSERT_INT_EQ(parse_str(b.data, &t, NULL), MT_ERR_LIMIT);
	mt_task_free(&t);
	mt_buf_reset(&b);
	mt_buf_adds(&b, "<Task><URI");
	for (int i = 0; i < MT_TASK_MAX_ATTRS; i++)
		mt_buf_printf(&b, " a%d='%d'", i, i);
	mt_buf_adds(&b, ">\\u</URI></Task>");
	ASSERT_INT_EQ(parse_str(b.data, &t, NULL), MT_OK);
	mt_task_free(&t);
	mt_buf_free(&b);
	TEST_DONE();

	TEST_START("over the file limit: MT_ERR_TOOBIG");
	uint8_t *big = calloc(1, (size_t)MT_MAX_TASK_FILE + 1);
	REQUIRE_NOT_NULL(big);
	memcpy(big, "<Task>", 6);
	memset(big + 6, ' ', (size_t)MT_MAX_TASK_FILE - 6);
	ASSERT_INT_EQ(mt_task_parse(big, (size_t)MT_MAX_TASK_FILE + 1, &t, NULL), MT_ERR_TOOBIG);
	mt_task_free(&t);
	trunc = 0;
	ASSERT_INT_EQ(mt_task_parse(big, MT_MAX_TASK_FILE, &t, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 1);
	mt_task_free(&t);
	free(big);
	mt_task_free(NULL);
	TEST_DONE();

	TEST_START("action line of other kinds is empty");
	mt_task_action a = {MT_TASK_COM, NULL, NULL, NULL, "{x}", NULL};
	mt_buf_init(&b, 64);
	mt_task_action_line(&a, &b);
	ASSERT_SIZE_EQ(b.len, 0);
	mt_task_action e = {MT_TASK_EXEC, "cmd.exe", "", NULL, NULL, NULL};
	mt_task_action_line(&e, &b);
	ASSERT_STR_EQ(b.data, "cmd.exe");
	mt_buf_free(&b);
	TEST_DONE();
}

int main(void)
{
	test_encodings();
	test_syntax();
	test_hostile();
	return T_DONE();
}
