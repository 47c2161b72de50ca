/* cmd_pcap.c - the "pcap" subcommand */
#include "cli.h"

int cmd_pcap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_err("'pcap' is not in this version yet (see README.md, Status)");
	return EXIT_ERROR;
}
