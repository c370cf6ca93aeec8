/*
 * Contract rules: the ODS code checked by hand (a letter and five digits
 * in fixed positions; a hand check names the position that is wrong and
 * cannot be fooled by locale-dependent regex ranges), contract types as a
 * table, the APMS fixed-term rule, and contract notices with the 28-day
 * remedial period. Pure: no state, no I/O; safe from any thread.
 */
#include "domain_contract.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

static int text_given(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 1;
	return 0;
}

static const struct contract_config config_default = CONTRACT_CONFIG_DEFAULT;

/* ---- the practice ---------------------------------------------------------- */

#define ODS_RULE "an ODS code is a capital letter then 5 digits (^[A-Z][0-9]{5}$, e.g. E84001)"

int domain_contract_check_ods_code(const char *code, char **cause)
{
	if (code == NULL || code[0] == '\0') {
		set_cause(cause, "ODS code: required; " ODS_RULE);
		return -1;
	}
	size_t n = strlen(code);
	if (n != 6) {
		set_cause(cause, "ODS code: %zu characters where 6 are needed; " ODS_RULE, n);
		return -1;
	}
	if (code[0] >= 'a' && code[0] <= 'z') {
		set_cause(cause, "ODS code: the first character must be a capital letter, not "
				 "lower case; " ODS_RULE);
		return -1;
	}
	if (code[0] < 'A' || code[0] > 'Z') {
		set_cause(cause,
			  "ODS code: the first character must be a capital letter A-Z; " ODS_RULE);
		return -1;
	}
	for (size_t i = 1; i < 6; i++) {
		if (code[i] < '0' || code[i] > '9') {
			set_cause(cause, "ODS code: character %zu must be a digit; " ODS_RULE,
				  i + 1);
			return -1;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	const char *title;
} contract_types[CONTRACT_TYPE__COUNT] = {
    [CONTRACT_TYPE_GMS] = {"gms", "General Medical Services"},
    [CONTRACT_TYPE_PMS] = {"pms", "Personal Medical Services"},
    [CONTRACT_TYPE_APMS] = {"apms", "Alternative Provider Medical Services"},
    [CONTRACT_TYPE_PCTMS] = {"pctms", "PCT Medical Services"},
};

static int type_valid(enum contract_type t)
{
	return (int)t >= 0 && t < CONTRACT_TYPE__COUNT;
}

const char *domain_contract_type_name(enum contract_type t)
{
	return type_valid(t) ? contract_types[t].name : "?";
}

const char *domain_contract_type_title(enum contract_type t)
{
	return type_valid(t) ? contract_types[t].title : "?";
}

int domain_contract_type_parse(const char *s, char **cause)
{
	if (s != NULL)
		for (int i = 0; i < CONTRACT_TYPE__COUNT; i++)
			if (strcasecmp(s, contract_types[i].name) == 0)
				return i;
	set_cause(cause, "contract type: must be one of gms, pms, apms, pctms");
	return -1;
}

int domain_contract_check_dates(enum contract_type t, int32_t start, int32_t end, char **cause)
{
	if (!type_valid(t)) {
		set_cause(cause, "contract type: must be one of gms, pms, apms, pctms");
		return -1;
	}
	if (t != CONTRACT_TYPE_APMS) {
		if (end != DOMAIN_DATE_NONE) {
			set_cause(cause,
				  "end date: only an APMS contract is let for a fixed term; a %s "
				  "contract runs until it is terminated, so it has no end date",
				  domain_contract_type_name(t));
			return -1;
		}
		return 0;
	}
	if (start == DOMAIN_DATE_NONE) {
		set_cause(cause, "start date: required for an APMS contract (a fixed term runs "
				 "from its start to its end)");
		return -1;
	}
	if (end == DOMAIN_DATE_NONE) {
		set_cause(cause, "end date: required for an APMS contract (a fixed-term contract)");
		return -1;
	}
	if (end <= start) {
		char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ];
		set_cause(cause, "end date: %s is not after the start date %s",
			  domain_date_format(end, a), domain_date_format(start, b));
		return -1;
	}
	return 0;
}

/* ---- configuration ---------------------------------------------------------- */

int domain_contract_config_check(const struct contract_config *cfg, char **cause)
{
	if (cfg->remedial_min_days < 1 || cfg->remedial_min_days > CONTRACT_NOTICE_PERIOD_MAX) {
		set_cause(cause, "remedial notice minimum period: must be 1 to %d days, got %d",
			  CONTRACT_NOTICE_PERIOD_MAX, cfg->remedial_min_days);
		return -1;
	}
	if (cfg->list_size_max < 1 || cfg->list_size_max > CONTRACT_LIST_SIZE_LIMIT) {
		set_cause(cause, "largest list size: must be 1 to %d, got %d",
			  CONTRACT_LIST_SIZE_LIMIT, cfg->list_size_max);
		return -1;
	}
	return 0;
}

int domain_contract_check_list_size(const struct contract_config *cfg, int64_t list_size,
				    char **cause)
{
	if (cfg == NULL)
		cfg = &config_default;
	if (list_size < 1 || list_size > cfg->list_size_max) {
		set_cause(cause, "list size: must be 1 to %d patients, got %lld",
			  cfg->list_size_max, (long long)list_size);
		return -1;
	}
	return 0;
}

/* ---- contract notices ------------------------------------------------------- */

static const char *const notice_kind_names[CONTRACT_NOTICE__COUNT] = {
    [CONTRACT_NOTICE_REMEDIAL] = "remedial",
    [CONTRACT_NOTICE_BREACH] = "breach",
};

const char *domain_contract_notice_kind_name(enum contract_notice_kind k)
{
	return (int)k >= 0 && k < CONTRACT_NOTICE__COUNT ? notice_kind_names[k] : "?";
}

int domain_contract_notice_kind_parse(const char *s, char **cause)
{
	if (s != NULL)
		for (int i = 0; i < CONTRACT_NOTICE__COUNT; i++)
			if (strcasecmp(s, notice_kind_names[i]) == 0)
				return i;
	set_cause(cause, "notice kind: must be remedial (a breach that can be put right) or "
			 "breach (one that cannot)");
	return -1;
}

static int check_remedial(const struct contract_config *cfg, const struct contract_notice_input *in,
			  char **cause)
{
	/* The steps may be a field of their own or part of the notice's text
	 * (`contract notice add --text`, as the issue gives the command): the
	 * notice as sent is what binds, so its text is not second-guessed. */
	if (in->period_days > CONTRACT_NOTICE_PERIOD_MAX) {
		set_cause(cause, "period: at most %d days, got %d", CONTRACT_NOTICE_PERIOD_MAX,
			  in->period_days);
		return -1;
	}
	if (in->period_days >= cfg->remedial_min_days)
		return 0;
	if (!text_given(in->patient_safety_reason)) {
		set_cause(cause,
			  "period: a remedial notice gives at least %d days unless patient safety "
			  "requires less, and then the reason is recorded; got %d days and no "
			  "patient-safety reason",
			  cfg->remedial_min_days, in->period_days);
		return -1;
	}
	if (in->period_days < 1) {
		set_cause(cause,
			  "period: even where patient safety requires a shorter period, a remedial "
			  "notice gives at least 1 day, got %d",
			  in->period_days);
		return -1;
	}
	return 0;
}

static int check_breach(const struct contract_notice_input *in, char **cause)
{
	if (text_given(in->steps)) {
		set_cause(cause, "steps: a breach notice is for a breach that cannot be put right, "
				 "so it has no steps; use a remedial notice for one that can");
		return -1;
	}
	if (in->period_days != 0) {
		set_cause(cause, "period: a breach notice gives no period to put the breach right");
		return -1;
	}
	if (text_given(in->patient_safety_reason)) {
		set_cause(cause, "patient-safety reason: only a remedial notice shortens its "
				 "period for patient safety; a breach notice has no period");
		return -1;
	}
	return 0;
}

int domain_contract_notice_check(const struct contract_config *cfg,
				 const struct contract_notice_input *in, int32_t *deadline,
				 char **cause)
{
	if (cfg == NULL)
		cfg = &config_default;
	if ((int)in->kind < 0 || in->kind >= CONTRACT_NOTICE__COUNT) {
		set_cause(cause, "notice kind: must be remedial or breach");
		return -1;
	}
	if (in->issued == DOMAIN_DATE_NONE) {
		set_cause(cause, "notice date: required");
		return -1;
	}
	if (!text_given(in->breach)) {
		set_cause(cause, "breach: a notice names the breach of the contract");
		return -1;
	}
	if (in->kind == CONTRACT_NOTICE_REMEDIAL) {
		if (check_remedial(cfg, in, cause) != 0)
			return -1;
		if (deadline != NULL)
			*deadline = domain_date_add_days(in->issued, in->period_days);
		return 0;
	}
	if (check_breach(in, cause) != 0)
		return -1;
	if (deadline != NULL)
		*deadline = DOMAIN_DATE_NONE;
	return 0;
}

static const char *const outcome_names[CONTRACT_OUTCOME__COUNT] = {
    [CONTRACT_OUTCOME_REMEDIED] = "remedied",
    [CONTRACT_OUTCOME_NOT_REMEDIED] = "not-remedied",
    [CONTRACT_OUTCOME_WITHDRAWN] = "withdrawn",
};

const char *domain_contract_notice_outcome_name(enum contract_notice_outcome o)
{
	return (int)o >= 0 && o < CONTRACT_OUTCOME__COUNT ? outcome_names[o] : "?";
}

int domain_contract_notice_outcome_parse(const char *s, char **cause)
{
	if (s != NULL)
		for (int i = 0; i < CONTRACT_OUTCOME__COUNT; i++)
			if (strcasecmp(s, outcome_names[i]) == 0)
				return i;
	set_cause(cause, "outcome: must be remedied, not-remedied or withdrawn");
	return -1;
}

enum contract_check domain_contract_notice_check_outcome(enum contract_notice_kind kind,
							 int32_t issued, int has_outcome,
							 enum contract_notice_outcome outcome,
							 int32_t date, int32_t today, char **cause)
{
	if ((int)outcome < 0 || outcome >= CONTRACT_OUTCOME__COUNT) {
		set_cause(cause, "outcome: must be remedied, not-remedied or withdrawn");
		return CONTRACT_INVALID_ARGUMENT;
	}
	if (has_outcome) {
		set_cause(cause, "notice: its outcome is already recorded; an outcome is recorded "
				 "once");
		return CONTRACT_FAILED_PRECONDITION;
	}
	if (kind == CONTRACT_NOTICE_BREACH && outcome == CONTRACT_OUTCOME_REMEDIED) {
		set_cause(cause, "outcome: a breach notice is for a breach that cannot be put "
				 "right, so it cannot be remedied (not-remedied or withdrawn)");
		return CONTRACT_FAILED_PRECONDITION;
	}
	if (date == DOMAIN_DATE_NONE) {
		set_cause(cause, "outcome date: required");
		return CONTRACT_INVALID_ARGUMENT;
	}
	char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ];
	if (issued != DOMAIN_DATE_NONE && date < issued) {
		set_cause(cause, "outcome date: %s is before the notice's date %s",
			  domain_date_format(date, a), domain_date_format(issued, b));
		return CONTRACT_INVALID_ARGUMENT;
	}
	if (date > today) {
		set_cause(cause,
			  "outcome date: %s is in the future; record an outcome on or after "
			  "the day it is known",
			  domain_date_format(date, a));
		return CONTRACT_INVALID_ARGUMENT;
	}
	return CONTRACT_OK;
}
