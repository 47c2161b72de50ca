/* html.c - the fleet report as one self-contained page (no script, no external
 * resource): the verdict of the fleet and a table of its hosts. */
#include <string.h>

#include "fleet_int.h"

static void esc(mt_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			mt_buf_adds(b, "&lt;");
			break;
		case '>':
			mt_buf_adds(b, "&gt;");
			break;
		case '&':
			mt_buf_adds(b, "&amp;");
			break;
		case '"':
			mt_buf_adds(b, "&quot;");
			break;
		default:
			mt_buf_addc(b, *s);
		}
	}
}

void mt__fleet_html(const fleet_view *v, int pz, mt_lang lang, mt_buf *b)
{
	int zh = lang == MT_LANG_ZH;
	unsigned inf = 0;
	for (size_t i = 0; i < v->nh; i++)
		inf += (unsigned)v->h[i].infected;
	mt_buf_printf(b,
	              "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	              "<title>minetrace fleet</title></head><body>\n",
	              zh ? "zh" : "en");
	mt_buf_printf(b, "<p id=\"verdict\" data-infected=\"%u\">%zu %s, %u %s", inf, v->nh,
	              zh ? "台主机" : "hosts", inf, zh ? "台已失陷" : "infected");
	if (pz >= 0) {
		mt_buf_adds(b, zh ? "; 零号病人: " : "; patient zero: ");
		esc(b, v->h[pz].name);
	}
	mt_buf_adds(b, "</p>\n<table id=\"hosts\">\n");
	for (size_t i = 0; i < v->nh; i++) {
		mt_buf_adds(b, "<tr><td>");
		esc(b, v->h[i].name);
		mt_buf_printf(b, "</td><td>%s</td></tr>\n",
		              v->h[i].infected ? (zh ? "已失陷" : "infected")
		                               : (zh ? "未发现" : "clean"));
	}
	mt_buf_adds(b, "</table>\n</body></html>\n");
}
