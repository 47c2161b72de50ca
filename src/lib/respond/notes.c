/* notes.c - the detail messages of respond's steps, in English and Chinese */
#include <stdio.h>
#include <string.h>

#include "respond/respond_int.h"

/* The Chinese of each detail message: the same conversions in the same order. A
 * message not in the table is shown in English in both languages. */
static const struct {
	const char *en, *zh;
} zh_notes[] = {
	{"%s is a critical system file: never quarantined", "%s 是关键系统文件: 不隔离"},
	{"%s is a critical system path: never removed", "%s 是关键系统路径: 不删除"},
	{"%s is a directory: never removed whole", "%s 是目录: 不整体删除"},
	{"%s is the critical system file %s under another name (same device and inode): never quarantined",
         "%s 是关键系统文件 %s 的另一个名字 (设备号和inode相同): 不隔离"},
	{"%s is the critical system file %s under another name (same device and inode): not edited",
         "%s 是关键系统文件 %s 的另一个名字 (设备号和inode相同): 不编辑"},
	{"pid %lld runs %s (a critical system program, same device and inode): never killed",
         "进程 %lld 运行的是 %s (关键系统程序, 设备号和inode相同): 不终止"},
	{"%s refused: the critical files of the root could not all be listed",
         "%s 已拒绝: 无法完整列出该根目录的关键文件"},
	{"pid %lld refused: the critical programs of the root could not be listed",
         "进程 %lld 已拒绝: 无法列出该根目录的关键程序"},
	{"%s is no longer there", "%s 已不存在"},
	{"%s: no file with the decoded name, the name as written is taken",
         "%s: 按解码后的名字找不到文件, 按报告中原样的名字处理"},
	{"%s is not there", "%s 不存在"},
	{"%s is not a regular file", "%s 不是普通文件"},
	{"%s is not a text file: not edited", "%s 不是文本文件: 不编辑"},
	{"%s is %s: not edited", "%s 是%s: 不编辑"},
	{"%s is %s: not blocked", "%s 是%s: 不封堵"},
	{"%s changed since the scan (sha256 %.16s..., the report says %.16s...)",
         "%s 自扫描后已改变 (sha256 %.16s..., 报告中为 %.16s...)"},
	{"%s belongs to package %s and matches what the package installed (or the "
         "package database has no sum for it): not removed",
         "%s 属于软件包 %s 且与安装内容一致 (或软件包数据库无校验值): 不删除"},
	{"%s moved to quarantine entry %s (sha256 %.16s...)",
         "%s 已移入隔离条目 %s (sha256 %.16s...)"},
	{"%s: already done by an earlier run (journal)", "%s: 此前的运行已完成 (见日志)"},
	{"already done by an earlier run (journal)", "此前的运行已完成 (见日志)"},
	{"%s: recovered, an interrupted run had moved it (entry %s)",
         "%s: 已恢复, 中断的运行已将其移走 (条目 %s)"},
	{"%s: %s", "%s: %s"},
	{"removed the symbolic link %s -> %s (entry %s)", "已删除符号链接 %s -> %s (条目 %s)"},
	{"its target %s leaves the root: not followed", "其目标 %s 超出根目录: 不跟随"},
	{"removed line %u of %s (backup in entry %s)", "已删除 %2$s 第 %1$u 行 (备份在条目 %3$s)"},
	{"recovered: an interrupted run had made the edit (backup entry %s)",
         "已恢复: 中断的运行已完成修改 (备份条目 %s)"},
	{"the line is no longer in the file (line %lld changed since the scan)",
         "该行已不在文件中 (第 %lld 行自扫描后已改变)"},
	{"the line is no longer at line %lld and is found at several other places: not guessing",
         "该行已不在第 %lld 行且在多处出现: 不猜测"},
	{"the line is root's entry in %s: never removed", "该行是 %s 中 root 的条目: 不删除"},
	{"cleared the %s flag%s of %s (old flags in entry %s)",
         "已清除 %3$s 的 %1$s 属性%2$.0s (原属性在条目 %4$s)"},
	{"the flags of %s are already clear", "%s 的属性已清除"},
	{"cannot clear the immutable/append-only flags of %s: %s",
         "无法清除 %s 的不可修改/只追加属性: %s"},
	{"locked %s: password disabled, account expired (backup in entry %s)",
         "已锁定 %s: 密码已禁用, 账户已过期 (备份在条目 %s)"},
	{"%s is locked and expired already", "%s 已被锁定并过期"},
	{"root is never locked: change its password instead", "不锁定root: 请改为修改其密码"},
	{"not a user name", "不是用户名"},
	{"not a unit name", "不是服务单元名"},
	{"%s is not in /etc/shadow", "%s 不在 /etc/shadow 中"},
	{"no unit file and no enabling link found", "未找到服务单元文件和启用链接"},
	{"systemd still holds the unit in memory until `systemctl daemon-reload`",
         "执行 `systemctl daemon-reload` 之前 systemd 内存中仍保留该服务"},
	{"not the live host (--root): no process to kill", "非运行中的主机 (--root): 无进程可终止"},
	{"not the live host (--root): nothing to unmount", "非运行中的主机 (--root): 无需卸载"},
	{"unmounted %s: the process under it is visible again", "已卸载 %s: 其下的进程重新可见"},
	{"nothing is mounted over %s any more", "%s 上已无挂载"},
	{"the program file was deleted already: nothing on disk to quarantine",
         "程序文件已被删除: 磁盘上无可隔离的文件"},
	{"the report gives no start time for pid %lld (a hidden process?): scan again (after "
         "the unmount) and respond to the new report",
         "报告中没有 pid %lld 的启动时间 (隐藏进程?): 卸载后重新扫描并按新报告处置"},
	{"change the password of %s (passwd %s) and of every account that shares it",
         "修改 %s 的密码 (passwd %s), 以及所有使用相同密码的账户"},
	{"reinstall package %s from a trusted mirror (apt-get install --reinstall %s)",
         "从可信源重装软件包 %s (apt-get install --reinstall %s)"},
	{"in %s/firewall.nft (and firewall.iptables, firewall.ip6tables; firewall-undo.* take it off)%s%s",
         "已写入 %s/firewall.nft (及 firewall.iptables, firewall.ip6tables; 用 firewall-undo.* 撤销)%s%s"},
	{"pid %lld is no longer running: nothing to do", "pid %lld 已不在运行: 无需处理"},
	{"pid %lld was reused: start time %llu, the report says %llu",
         "pid %lld 已被复用: 启动时间 %llu, 报告中为 %llu"},
	{"pid %lld refused: pid 1 (init) is never killed", "拒绝 pid %lld: 不终止1号进程 (init)"},
	{"pid %lld refused: a kernel thread is never killed", "拒绝 pid %lld: 不终止内核线程"},
	{"pid %lld refused: minetrace itself or one of its ancestors",
         "拒绝 pid %lld: 是minetrace自身或其父进程"},
	{"pid %lld now runs another program (%.200s), the report says %.200s",
         "pid %lld 现在运行的是其他程序 (%.200s), 报告中为 %.200s"},
	{"froze and killed %zu process(es): %s", "已冻结并终止 %zu 个进程: %s"},
	{"its parent is gone, reused or protected: not touched",
         "其父进程已退出、被复用或受保护: 未处理"},
	{"some are still there", "部分进程仍然存在"},
	{"out of memory", "内存不足"},
	{"%s", "%s"},
};

void mt_rs_vnote(mt_buf *en, mt_buf *zh, const char *fmt, va_list ap)
{
	char tmp[2048], z[2048];
	va_list ap2;
	va_copy(ap2, ap);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	const char *zf = NULL;
	for (size_t i = 0; i < MT_ARRAY_LEN(zh_notes) && !zf; i++)
		if (strcmp(zh_notes[i].en, fmt) == 0)
			zf = zh_notes[i].zh;
	if (zf)
		vsnprintf(z, sizeof(z), zf, ap2);
	else
		snprintf(z, sizeof(z), "%s", tmp);
	va_end(ap2);
	mt_buf_printf(en, "%s%s", en->len ? "; " : "", tmp);
	if (zh)
		mt_buf_printf(zh, "%s%s", zh->len ? "; " : "", z);
}

void mt_rs_note(mt_buf *en, mt_buf *zh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_rs_vnote(en, zh, fmt, ap);
	va_end(ap);
}
