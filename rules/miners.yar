/*
 * miners.yar - YARA rules shipped with minetrace, compiled into the binary.
 * @source minetrace maintainers; written from the miners' own documentation and option
 * lists (XMRig https://xmrig.com/docs/miner, xmr-stak, cpuminer, lolMiner, T-Rex,
 * NBMiner, SRBMiner-MULTI, WinRing0). Each rule asks for several features, so a word in
 * a document is not enough; minetrace's own code identification (randomx constants,
 * donate-level, stratum) runs beside these rules and survives patched strings.
 */

private rule mt_program
{
	condition:
		uint32(0) == 0x464c457f or (uint16(0) == 0x5a4d and uint32(uint32(0x3c)) == 0x00004550) or
		uint32(0) == 0xfeedfacf or uint32(0) == 0xcffaedfe
}

rule xmrig_options
{
	meta:
		description = "XMRig or a fork: its command-line options and config keys"
		family = "xmrig"
		severity = "critical"
	strings:
		$o1 = "--donate-level" ascii wide
		$o2 = "--cpu-max-threads-hint" ascii wide
		$o3 = "--randomx-1gb-pages" ascii wide
		$o4 = "--cpu-priority" ascii wide
		$o5 = "--nicehash" ascii wide
		$o6 = "--rig-id" ascii wide
		$k1 = "\"donate-over-proxy\"" ascii wide
		$k2 = "\"max-threads-hint\"" ascii wide
		$k3 = "\"randomx\"" ascii wide
		$k4 = "\"huge-pages-jit\"" ascii wide
		$a1 = "rx/0" ascii wide
		$a2 = "cn/r" ascii wide
		$a3 = "rx/wow" ascii wide
		$a4 = "cn-lite/1" ascii wide
	condition:
		mt_program and 3 of ($o*, $k*) and 2 of ($a*)
}

rule xmr_stak
{
	meta:
		description = "xmr-stak miner: its pool and wallet config keys and CryptoNight"
		family = "xmr-stak"
		severity = "critical"
	strings:
		$k1 = "pool_address" ascii
		$k2 = "wallet_address" ascii
		$k3 = "pool_password" ascii
		$k4 = "use_nicehash" ascii
		$c1 = "cryptonight" ascii nocase
		$n1 = "xmr-stak" ascii nocase
	condition:
		mt_program and 3 of ($k*) and $c1 and $n1
}

rule cpuminer
{
	meta:
		description = "cpuminer (minerd, cpuminer-multi, cpuminer-opt): usage text and stratum"
		family = "cpuminer"
		severity = "critical"
	strings:
		$u1 = "Usage: minerd [OPTIONS]" ascii
		$u2 = "Usage: cpuminer [OPTIONS]" ascii
		$u3 = "--coinbase-addr" ascii
		$s1 = "mining.subscribe" ascii
		$s2 = "mining.authorize" ascii
		$a1 = "scrypt" ascii
		$a2 = "sha256d" ascii
	condition:
		mt_program and 1 of ($u*) and 1 of ($s*) and 1 of ($a*)
}

rule gpu_miners
{
	meta:
		description = "GPU miners (lolMiner, T-Rex, NBMiner, SRBMiner-MULTI, GMiner, TeamRedMiner): banner and stratum"
		family = "gpu-miner"
		severity = "critical"
	strings:
		$n1 = "lolMiner" ascii wide
		$n2 = "T-Rex NVIDIA GPU miner" ascii wide
		$n3 = "NBMiner" ascii wide
		$n4 = "SRBMiner-MULTI" ascii wide
		$n5 = "GMiner" ascii wide
		$n6 = "teamredminer" ascii wide nocase
		$s1 = "mining.subscribe" ascii wide
		$s2 = "stratum+tcp" ascii wide
		$s3 = "eth_submitLogin" ascii wide
		$a1 = "ethash" ascii wide nocase
		$a2 = "kawpow" ascii wide nocase
		$a3 = "autolykos" ascii wide nocase
		$a4 = "etchash" ascii wide nocase
	condition:
		mt_program and 1 of ($n*) and 1 of ($s*) and 2 of ($a*)
}

rule winring0_msr_driver
{
	meta:
		description = "WinRing0 MSR driver as Windows miners load it (RandomX MSR tweaks)"
		family = "winring0"
		severity = "high"
	strings:
		$d1 = "\\Device\\WinRing0_1_2_0" wide
		$d2 = "\\DosDevices\\WinRing0_1_2_0" wide
		$d3 = "WinRing0.sys" ascii wide nocase
		$d4 = "WinRing0x64.sys" ascii wide nocase
	condition:
		uint16(0) == 0x5a4d and 2 of them
}

rule stratum_login_in_program
{
	meta:
		description = "a program that speaks stratum with a Monero-style login (a miner or its loader)"
		family = "miner"
	strings:
		$m1 = "\"method\":\"login\"" ascii wide
		$m2 = "\"method\": \"login\"" ascii wide
		$m3 = "mining.subscribe" ascii wide
		$j1 = "\"method\":\"submit\"" ascii wide
		$j2 = "\"job_id\"" ascii wide
		$j3 = "mining.notify" ascii wide
		$u = "stratum+tcp://" ascii wide
	condition:
		mt_program and 1 of ($m*) and 1 of ($j*) and $u
}
