3rule xmrig { strings: $a = "stratum+tcp://" $b = "donate-level" condition: all of them }
