# check-rules.awk - stand-alone checker for rules files (format: docs/rules.md).
#
# usage: awk -f rules/tools/check-rules.awk rules/*.rules
#
# Reports "file:line: error" for every problem, then entry counts per file and kind
# and the kind+value pairs that occur more than once. Exit status 1 if any error.
# This is a data-side sanity check for the shipped pack; the authoritative checker is
# `minetrace rules check`.

function err(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg; nerr++ }
function is_dec(s) { return s ~ /^(0|[1-9][0-9]*)$/ }
function valid_port(p) { return is_dec(p) && length(p) <= 5 && p + 0 >= 1 && p + 0 <= 65535 }
function valid_ipv4(s,    a, n, i) {
	if (s !~ /^[0-9.]+$/) return 0
	n = split(s, a, ".")
	if (n != 4) return 0
	for (i = 1; i <= 4; i++) if (!is_dec(a[i]) || length(a[i]) > 3 || a[i] + 0 > 255) return 0
	return 1
}
function valid_ipv6(s,    a, n, i, dbl) {
	if (s !~ /^[0-9a-fA-F:.]+$/ || index(s, ":") == 0) return 0
	dbl = gsub(/::/, "::", s)
	if (dbl > 1) return 0
	n = split(s, a, ":")
	if (n > 8 || (dbl == 0 && n != 8)) return 0
	for (i = 1; i <= n; i++) if (length(a[i]) > 4 && !(i == n && valid_ipv4(a[i]))) return 0
	return 1
}
function valid_ip(s) { return valid_ipv4(s) || valid_ipv6(s) }
function valid_domain(s,    a, n, i) {
	if (length(s) > 253 || s !~ /^[a-z0-9.-]+$/) return 0
	n = split(s, a, ".")
	if (n < 2) return 0
	for (i = 1; i <= n; i++) {
		if (length(a[i]) < 1 || length(a[i]) > 63) return 0
		if (a[i] ~ /^-/ || a[i] ~ /-$/) return 0
	}
	return a[n] ~ /^[a-z][a-z]+$/ || a[n] ~ /^xn--[a-z0-9-]+$/
}
function valid_ipport(s,    h, p) {
	if (s ~ /^\[/) {
		if (!match(s, /\]:[0-9]+$/)) return 0
		h = substr(s, 2, RSTART - 2); p = substr(s, RSTART + 2)
		return valid_ipv6(h) && valid_port(p)
	}
	if (!match(s, /:[0-9]+$/)) return 0
	h = substr(s, 1, RSTART - 1); p = substr(s, RSTART + 1)
	return valid_ipv4(h) && valid_port(p)
}
function valid_url(s,    i, host) {
	if (s ~ /^[A-Za-z][A-Za-z0-9+.-]*:\/\//) return 0
	i = index(s, "/")
	host = (i > 0) ? substr(s, 1, i - 1) : s
	if (host ~ /:[0-9]+$/) { if (!valid_port(substr(host, match(host, /:[0-9]+$/) + 1))) return 0; sub(/:[0-9]+$/, "", host) }
	return valid_domain(host) || valid_ipv4(host)
}
function valid_value(kind, v) {
	if (kind == "pool-domain" || kind == "browser-domain" || kind == "c2-domain" || kind == "paste-domain") return valid_domain(v)
	if (kind == "pool-ip" || kind == "c2-ip") return valid_ip(v)
	if (kind == "pool-ipport" || kind == "c2-ipport") return valid_ipport(v)
	if (kind == "pool-port") return valid_port(v)
	if (kind == "url") return valid_url(v)
	if (kind == "miner-name") return v != "" && v !~ /[\/\\*?]/
	if (kind == "cmdline") return v ~ /[^*? ]/ && length(v) >= 6
	if (kind == "sha256") return length(v) == 64 && v ~ /^[0-9a-f]+$/
	if (kind == "md5") return length(v) == 32 && v ~ /^[0-9a-f]+$/
	if (kind == "path") return v ~ /^\// || v ~ /^[A-Za-z]:\\/
	if (kind == "ssh-key") return v ~ /^[A-Za-z0-9+\/]+=*$/ && length(v) >= 32
	return 0
}
# next_token(): reads a bare token or quoted string from REST into TOK; 0 at end, -1 on error
function next_token(    c, i, out, n) {
	sub(/^[ \t]+/, "", REST)
	if (REST == "") return 0
	if (substr(REST, 1, 1) != "\"" && REST !~ /^[A-Za-z-]+="/) {
		match(REST, /^[^ \t]+/)
		TOK = substr(REST, 1, RLENGTH); REST = substr(REST, RLENGTH + 1)
		if (index(TOK, "\"")) { TOKERR = "quote inside a bare token"; return -1 }
		return 1
	}
	# quoted, possibly after "key="
	out = ""
	if (substr(REST, 1, 1) != "\"") { i = index(REST, "\""); out = substr(REST, 1, i - 1); REST = substr(REST, i) }
	n = length(REST)
	for (i = 2; i <= n; i++) {
		c = substr(REST, i, 1)
		if (c == "\\") {
			c = substr(REST, i + 1, 1)
			if (c != "\\" && c != "\"") { TOKERR = "bad escape \\" c; return -1 }
			out = out c; i++
		} else if (c == "\"") {
			TOK = out; REST = substr(REST, i + 1)
			if (REST != "" && REST !~ /^[ \t]/) { TOKERR = "junk after quoted string"; return -1 }
			QUOTED = 1
			return 1
		} else out = out c
	}
	TOKERR = "unbalanced quote"; return -1
}
BEGIN {
	split("pool-domain pool-ip pool-ipport pool-port browser-domain c2-domain c2-ip c2-ipport url miner-name cmdline sha256 md5 path ssh-key paste-domain", k, " ")
	for (i in k) kinds[k[i]] = 1
	split("info low medium high critical", s, " ")
	for (i in s) sevs[s[i]] = 1
}
FNR == 1 { src = 0; files[++nfiles] = FILENAME }
{
	line = $0
	sub(/\r$/, "", line)
	if (line ~ /^[ \t]*$/ || line ~ /^[ \t]*#/) next
	if (line ~ /^[ \t]*@source/) {
		if (line !~ /^[ \t]*@source[ \t]+[^ \t]/) err("@source without text")
		src = 1; next
	}
	if (!src) { err("entry before any @source"); next }
	REST = line; QUOTED = 0
	if (next_token() != 1) { err("cannot read kind"); next }
	kind = TOK
	if (!(kind in kinds)) { err("unknown kind " kind); next }
	QUOTED = 0
	r = next_token()
	if (r != 1) { err(r < 0 ? TOKERR : "missing value"); next }
	value = TOK
	if (!valid_value(kind, value)) err("malformed " kind " value: " value)
	delete seen
	while ((r = next_token()) == 1) {
		if (TOK !~ /^[a-z]+=/) { err("not an attribute: " TOK); continue }
		key = TOK; sub(/=.*/, "", key); val = TOK; sub(/^[a-z]+=/, "", val)
		if (key in seen) err("duplicate attribute " key)
		seen[key] = 1
		if (key == "family") { if (val !~ /^[A-Za-z0-9_.-]+$/) err("family is not one token: " val) }
		else if (key == "sev") { if (!(val in sevs)) err("bad sev " val) }
		else if (key == "note") { if (val == "") err("empty note") }
		else err("unknown attribute " key)
	}
	if (r < 0) err(TOKERR)
	count[FILENAME, kind]++
	total[kind]++
	dup[kind " " value]++
	where[kind " " value] = where[kind " " value] " " FILENAME
}
END {
	for (f = 1; f <= nfiles; f++) {
		printf "%s:", files[f]
		for (kd in kinds) if ((files[f], kd) in count) printf " %s=%d", kd, count[files[f], kd]
		printf "\n"
	}
	printf "total:"
	for (kd in kinds) if (kd in total) printf " %s=%d", kd, total[kd]
	printf "\n"
	nd = 0
	for (d in dup) if (dup[d] > 1) { nd++; if (DUPS) printf "duplicate: %s (%d):%s\n", d, dup[d], where[d] }
	printf "kind+value pairs occurring more than once: %d%s\n", nd, DUPS ? "" : " (awk -v DUPS=1 to list)"
	printf "errors: %d\n", nerr
	exit nerr > 0
}
