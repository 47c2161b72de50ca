/* cmd_respond.c - the "respond" and "restore" subcommands */
#include "cli.h"

int cmd_respond(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_err("'respond' is not in this version yet (see README.md, Status)");
	return EXIT_ERROR;
}

int cmd_restore(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_err("'restore' is not in this version yet (see README.md, Status)");
	return EXIT_ERROR;
}
