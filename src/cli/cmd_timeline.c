/* cmd_timeline.c - the "timeline" subcommand */
#include "cli.h"

int cmd_timeline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_err("'timeline' is not in this version yet (see README.md, Status)");
	return EXIT_ERROR;
}
