/*
 * Prints the facts Peregrine needs from the driver's event table: per event parameter its print format and the
 * flag table, dynamic-parameter table or dirfd index it refers to; every flag table's entries in order; the errno
 * and signal names libsinsp renders. Compiled by tools/gen_param_tables.sh against the upstream headers, together
 * with a generated file (tables.inc) that lists the flag and dynamic tables by name, because a pointer alone
 * does not tell which table it is, and enum_names.inc, the PT_ and PF_ names by value.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "ppm_events_public.h"
#include "sinsp_errno.h"
#include "sinsp_signal.h"

extern const struct ppm_event_info g_event_info[];

struct named_flags { const char *name; const struct ppm_name_value *table; };
struct named_dyn { const char *name; const struct ppm_param_info *table; int n; };

#include "tables.inc"
#include "enum_names.inc"

static const char *pt(int t) { return t >= 0 && t < PT_MAX && PT_NAMES[t] ? PT_NAMES[t] : "PT_?"; }
static const char *pf(int f) { return f >= 0 && f < (int)(sizeof(PF_NAMES) / sizeof(PF_NAMES[0])) && PF_NAMES[f] ? PF_NAMES[f] : "PF_?"; }

static const char *flags_name(const void *p) {
	for (size_t i = 0; i < sizeof(FLAG_TABLES) / sizeof(FLAG_TABLES[0]); i++) {
		if (FLAG_TABLES[i].table == p) return FLAG_TABLES[i].name;
	}
	return NULL;
}

static const struct named_dyn *dyn_table(const void *p) {
	for (size_t i = 0; i < sizeof(DYN_TABLES) / sizeof(DYN_TABLES[0]); i++) {
		if (DYN_TABLES[i].table == p) return &DYN_TABLES[i];
	}
	return NULL;
}

static int uses_flag_table(enum ppm_param_type t) {
	switch (t) {
	case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32:
	case PT_ENUMFLAGS8: case PT_ENUMFLAGS16: case PT_ENUMFLAGS32:
	case PT_MODE:
		return 1;
	default:
		return 0;
	}
}

/* Renders the info reference of a parameter: "-", "flags:NAME", "dirfd:N" or "dyn:NAME". */
static void print_info(const struct ppm_param_info *p, int *failed) {
	if (p->info == NULL) {
		printf(" -");
	} else if (p->type == PT_FSRELPATH) {
		printf(" dirfd:%lu", (unsigned long)(uintptr_t)p->info);
	} else if (p->type == PT_DYN) {
		const struct named_dyn *d = dyn_table(p->info);
		if (d == NULL) { fprintf(stderr, "unknown dynamic table of %s\n", p->name); *failed = 1; return; }
		printf(" dyn:%s", d->name);
	} else {
		const char *n = flags_name(p->info);
		if (n == NULL) { fprintf(stderr, "unknown flag table of %s\n", p->name); *failed = 1; return; }
		printf(" flags:%s", n);
	}
}

int main(void) {
	int failed = 0;
	for (int e = 0; e < PPM_EVENT_MAX; e++) {
		const struct ppm_event_info *ev = &g_event_info[e];
		for (uint32_t i = 0; i < ev->nparams; i++) {
			const struct ppm_param_info *p = &ev->params[i];
			printf("param %d %u %s %s %s", e, i, p->name, pt(p->type), pf(p->fmt));
			print_info(p, &failed);
			printf("\n");
			if (p->info != NULL && uses_flag_table(p->type) == 0 && p->type != PT_FSRELPATH && p->type != PT_DYN) {
				fprintf(stderr, "event %d param %u has info but type %d\n", e, i, (int)p->type);
				failed = 1;
			}
		}
	}
	for (size_t i = 0; i < sizeof(DYN_TABLES) / sizeof(DYN_TABLES[0]); i++) {
		for (int j = 0; j < DYN_TABLES[i].n; j++) {
			const struct ppm_param_info *p = &DYN_TABLES[i].table[j];
			printf("dyn %s %d %s %s", DYN_TABLES[i].name, j, pt(p->type), pf(p->fmt));
			print_info(p, &failed);
			printf("\n");
		}
	}
	for (size_t i = 0; i < sizeof(FLAG_TABLES) / sizeof(FLAG_TABLES[0]); i++) {
		for (const struct ppm_name_value *f = FLAG_TABLES[i].table; f->name != NULL; f++) {
			printf("flag %s %s %u\n", FLAG_TABLES[i].name, f->name, f->value);
		}
	}
#include "names.inc"
	return failed;
}
