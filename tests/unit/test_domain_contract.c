/*
 * Contract rules: ODS codes at each position that can go wrong, contract
 * types, the APMS fixed-term rule, list-size bounds, and contract notices
 * at and either side of the 28-day remedial period.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_contract.h"

static int32_t date(const char *s)
{
	int32_t d;
	assert_int_equal(domain_date_parse("test", s, &d, NULL), 0);
	return d;
}

/* Fails when cause is not set or does not contain want. */
static void assert_cause(char *cause, const char *want)
{
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" does not contain \"%s\"", cause, want);
	free(cause);
}

static void test_ods_code(void **state)
{
	(void)state;
	static const char *good[] = {"E84001", "A00000", "Z99999", "Y02045"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(domain_contract_check_ods_code(good[i], NULL), 0);

	static const struct {
		const char *code;
		const char *cause;
	} bad[] = {
	    {"", "required"},
	    {"E8400", "5 characters where 6"},
	    {"E840011", "7 characters where 6"},
	    {"e84001", "not lower case"},
	    {"884001", "first character must be a capital letter A-Z"},
	    {"-84001", "first character must be a capital letter A-Z"},
	    {"EE4001", "character 2 must be a digit"},
	    {"E84O01", "character 4 must be a digit"},
	    {"E8400A", "character 6 must be a digit"},
	    {" E8400", "first character"},
	    {"E8400 ", "character 6 must be a digit"},
	    {"\303\21184001", "7 characters"}, /* É (2 bytes in UTF-8), 84001 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		assert_int_equal(domain_contract_check_ods_code(bad[i].code, &cause), -1);
		assert_cause(cause, bad[i].cause);
	}
	char *cause = NULL;
	assert_int_equal(domain_contract_check_ods_code(NULL, &cause), -1);
	assert_string_equal(cause, "ODS code: required; an ODS code is a capital letter then 5 "
				   "digits (^[A-Z][0-9]{5}$, e.g. E84001)");
	free(cause);
	/* The value itself is never echoed back. */
	assert_int_equal(domain_contract_check_ods_code("E84%s1", &cause), -1);
	assert_null(strstr(cause, "%s"));
	free(cause);
}

static void test_contract_types(void **state)
{
	(void)state;
	static const char *names[] = {"gms", "pms", "apms", "pctms"};
	for (int i = 0; i < CONTRACT_TYPE__COUNT; i++) {
		assert_string_equal(domain_contract_type_name(i), names[i]);
		assert_int_equal(domain_contract_type_parse(names[i], NULL), i);
		assert_string_not_equal(domain_contract_type_title(i), "?");
	}
	assert_int_equal(domain_contract_type_parse("APMS", NULL), CONTRACT_TYPE_APMS);
	assert_string_equal(domain_contract_type_title(CONTRACT_TYPE_PCTMS),
			    "PCT Medical Services");
	assert_string_equal(domain_contract_type_name(CONTRACT_TYPE__COUNT), "?");
	assert_string_equal(domain_contract_type_name((enum contract_type) - 1), "?");
	char *cause = NULL;
	assert_int_equal(domain_contract_type_parse("spms", &cause), -1);
	assert_string_equal(cause, "contract type: must be one of gms, pms, apms, pctms");
	free(cause);
	assert_int_equal(domain_contract_type_parse(NULL, NULL), -1);
	assert_int_equal(domain_contract_type_parse("", NULL), -1);
}

static void test_dates(void **state)
{
	(void)state;
	int32_t start = date("2004-04-01"), end = date("2009-03-31");
	char *cause = NULL;

	/* GMS, PMS, PCTMS: open-ended. */
	for (int t = 0; t < CONTRACT_TYPE__COUNT; t++) {
		if (t == CONTRACT_TYPE_APMS)
			continue;
		assert_int_equal(domain_contract_check_dates(t, start, DOMAIN_DATE_NONE, NULL), 0);
		assert_int_equal(domain_contract_check_dates(t, start, end, &cause), -1);
		assert_cause(cause, "only an APMS contract is let for a fixed term");
		/* The start may be unrecorded; an end never appears. */
		assert_int_equal(
		    domain_contract_check_dates(t, DOMAIN_DATE_NONE, DOMAIN_DATE_NONE, NULL), 0);
		assert_int_equal(domain_contract_check_dates(t, DOMAIN_DATE_NONE, end, &cause), -1);
		assert_cause(cause, "end date: only an APMS contract");
	}

	/* APMS: a fixed term needs its start. */
	assert_int_equal(
	    domain_contract_check_dates(CONTRACT_TYPE_APMS, DOMAIN_DATE_NONE, end, &cause), -1);
	assert_cause(cause, "start date: required for an APMS contract");

	/* APMS: an end after the start. */
	assert_int_equal(domain_contract_check_dates(CONTRACT_TYPE_APMS, start, end, NULL), 0);
	assert_int_equal(domain_contract_check_dates(CONTRACT_TYPE_APMS, start, start + 1, NULL),
			 0);
	assert_int_equal(
	    domain_contract_check_dates(CONTRACT_TYPE_APMS, start, DOMAIN_DATE_NONE, &cause), -1);
	assert_cause(cause, "end date: required for an APMS contract");
	assert_int_equal(domain_contract_check_dates(CONTRACT_TYPE_APMS, start, start, &cause), -1);
	assert_string_equal(cause, "end date: 2004-04-01 is not after the start date 2004-04-01");
	free(cause);
	assert_int_equal(domain_contract_check_dates(CONTRACT_TYPE_APMS, end, start, &cause), -1);
	assert_cause(cause, "not after the start date 2009-03-31");
	assert_int_equal(domain_contract_check_dates(CONTRACT_TYPE__COUNT, start, end, &cause), -1);
	assert_cause(cause, "contract type");
}

static void test_notice_outcome(void **state)
{
	(void)state;
	char *cause = NULL;
	int32_t issued = date("2010-05-10"), today = date("2010-07-01");
	const enum contract_notice_kind R = CONTRACT_NOTICE_REMEDIAL, B = CONTRACT_NOTICE_BREACH;

	for (int o = 0; o < CONTRACT_OUTCOME__COUNT; o++) {
		const char *name = domain_contract_notice_outcome_name(o);
		assert_int_equal(domain_contract_notice_outcome_parse(name, NULL), o);
	}
	assert_int_equal(domain_contract_notice_outcome_parse("NOT-REMEDIED", NULL),
			 CONTRACT_OUTCOME_NOT_REMEDIED);
	assert_int_equal(domain_contract_notice_outcome_parse("fixed", &cause), -1);
	assert_cause(cause, "outcome: must be remedied, not-remedied or withdrawn");
	assert_int_equal(domain_contract_notice_outcome_parse(NULL, NULL), -1);
	assert_string_equal(domain_contract_notice_outcome_name(CONTRACT_OUTCOME__COUNT), "?");

	/* Open remedial notice: any outcome, on or after its date, not in the future. */
	for (int o = 0; o < CONTRACT_OUTCOME__COUNT; o++)
		assert_int_equal(
		    domain_contract_notice_check_outcome(R, issued, 0, o, issued, today, NULL),
		    CONTRACT_OK);
	assert_int_equal(domain_contract_notice_check_outcome(
			     R, issued, 0, CONTRACT_OUTCOME_REMEDIED, today, today, NULL),
			 CONTRACT_OK);
	assert_int_equal(domain_contract_notice_check_outcome(
			     R, issued, 0, CONTRACT_OUTCOME_REMEDIED, issued - 1, today, &cause),
			 CONTRACT_INVALID_ARGUMENT);
	assert_string_equal(cause,
			    "outcome date: 2010-05-09 is before the notice's date 2010-05-10");
	free(cause);
	assert_int_equal(domain_contract_notice_check_outcome(
			     R, issued, 0, CONTRACT_OUTCOME_REMEDIED, today + 1, today, &cause),
			 CONTRACT_INVALID_ARGUMENT);
	assert_cause(cause, "is in the future");
	assert_int_equal(domain_contract_notice_check_outcome(R, issued, 0,
							      CONTRACT_OUTCOME_REMEDIED,
							      DOMAIN_DATE_NONE, today, &cause),
			 CONTRACT_INVALID_ARGUMENT);
	assert_cause(cause, "outcome date: required");

	/* Recorded once. */
	assert_int_equal(domain_contract_notice_check_outcome(
			     R, issued, 1, CONTRACT_OUTCOME_WITHDRAWN, today, today, &cause),
			 CONTRACT_FAILED_PRECONDITION);
	assert_cause(cause, "already recorded");

	/* A breach cannot be put right. */
	assert_int_equal(domain_contract_notice_check_outcome(
			     B, issued, 0, CONTRACT_OUTCOME_REMEDIED, today, today, &cause),
			 CONTRACT_FAILED_PRECONDITION);
	assert_cause(cause, "cannot be remedied");
	assert_int_equal(domain_contract_notice_check_outcome(
			     B, issued, 0, CONTRACT_OUTCOME_NOT_REMEDIED, today, today, NULL),
			 CONTRACT_OK);
	assert_int_equal(domain_contract_notice_check_outcome(
			     B, issued, 0, CONTRACT_OUTCOME_WITHDRAWN, today, today, NULL),
			 CONTRACT_OK);
	assert_int_equal(domain_contract_notice_check_outcome(R, issued, 0, CONTRACT_OUTCOME__COUNT,
							      today, today, &cause),
			 CONTRACT_INVALID_ARGUMENT);
	assert_cause(cause, "outcome: must be");
}

static void test_list_size_and_config(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_int_equal(domain_contract_check_list_size(NULL, 1, NULL), 0);
	assert_int_equal(domain_contract_check_list_size(NULL, 6543, NULL), 0);
	assert_int_equal(domain_contract_check_list_size(NULL, 200000, NULL), 0);
	assert_int_equal(domain_contract_check_list_size(NULL, 200001, &cause), -1);
	assert_string_equal(cause, "list size: must be 1 to 200000 patients, got 200001");
	free(cause);
	assert_int_equal(domain_contract_check_list_size(NULL, 0, &cause), -1);
	assert_cause(cause, "got 0");
	assert_int_equal(domain_contract_check_list_size(NULL, -5, NULL), -1);
	assert_int_equal(domain_contract_check_list_size(NULL, INT64_MAX, NULL), -1);

	struct contract_config cfg = CONTRACT_CONFIG_DEFAULT;
	assert_int_equal(domain_contract_config_check(&cfg, NULL), 0);
	cfg.list_size_max = 300000;
	assert_int_equal(domain_contract_config_check(&cfg, NULL), 0);
	assert_int_equal(domain_contract_check_list_size(&cfg, 250000, NULL), 0);
	cfg.list_size_max = 0;
	assert_int_equal(domain_contract_config_check(&cfg, &cause), -1);
	assert_cause(cause, "largest list size");
	cfg = (struct contract_config)CONTRACT_CONFIG_DEFAULT;
	cfg.remedial_min_days = 0;
	assert_int_equal(domain_contract_config_check(&cfg, &cause), -1);
	assert_cause(cause, "remedial notice minimum period: must be 1 to 365 days, got 0");
	cfg.remedial_min_days = 366;
	assert_int_equal(domain_contract_config_check(&cfg, NULL), -1);
}

static struct contract_notice_input remedial(int period, const char *reason)
{
	return (struct contract_notice_input){
	    .kind = CONTRACT_NOTICE_REMEDIAL,
	    .issued = date("2010-05-10"),
	    .breach = "no cold-chain log for the vaccine fridge",
	    .steps = "keep twice-daily fridge temperature records",
	    .period_days = period,
	    .patient_safety_reason = reason,
	};
}

static void test_remedial_notice(void **state)
{
	(void)state;
	char *cause = NULL;
	int32_t deadline = 0;

	/* 28 days exactly: the minimum; the deadline is 28 days on. */
	struct contract_notice_input in = remedial(28, NULL);
	assert_int_equal(domain_contract_notice_check(NULL, &in, &deadline, NULL), 0);
	assert_int_equal(deadline, date("2010-06-07"));
	in = remedial(60, NULL);
	assert_int_equal(domain_contract_notice_check(NULL, &in, &deadline, NULL), 0);
	assert_int_equal(deadline, date("2010-07-09"));
	/* A reason with a full period is harmless. */
	in = remedial(28, "fridge failing");
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, NULL), 0);

	/* 27 days without a patient-safety reason: refused. */
	in = remedial(27, NULL);
	deadline = 12345;
	assert_int_equal(domain_contract_notice_check(NULL, &in, &deadline, &cause), -1);
	assert_int_equal(deadline, 12345);
	assert_cause(cause, "at least 28 days unless patient safety requires less");
	in = remedial(27, "  \t");
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "no patient-safety reason");

	/* Shorter with a reason, down to 1 day. */
	in = remedial(7, "vaccines stored out of range: patients at risk");
	assert_int_equal(domain_contract_notice_check(NULL, &in, &deadline, NULL), 0);
	assert_int_equal(deadline, date("2010-05-17"));
	in = remedial(1, "vaccines stored out of range");
	assert_int_equal(domain_contract_notice_check(NULL, &in, &deadline, NULL), 0);
	assert_int_equal(deadline, date("2010-05-11"));
	in = remedial(0, "vaccines stored out of range");
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "at least 1 day, got 0");
	in = remedial(-3, "x");
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, NULL), -1);

	/* Upper bound. */
	in = remedial(365, NULL);
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, NULL), 0);
	in = remedial(366, NULL);
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "at most 365 days");

	/* Fields. */
	/* The steps may be in the notice's text rather than apart. */
	in = remedial(28, NULL);
	in.steps = "";
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, NULL), 0);
	in = remedial(28, NULL);
	in.breach = NULL;
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "breach:");
	in = remedial(28, NULL);
	in.issued = DOMAIN_DATE_NONE;
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "notice date: required");

	/* A configured minimum. */
	struct contract_config cfg = CONTRACT_CONFIG_DEFAULT;
	cfg.remedial_min_days = 14;
	in = remedial(14, NULL);
	assert_int_equal(domain_contract_notice_check(&cfg, &in, NULL, NULL), 0);
	in = remedial(13, NULL);
	assert_int_equal(domain_contract_notice_check(&cfg, &in, NULL, &cause), -1);
	assert_cause(cause, "at least 14 days");
}

static void test_breach_notice(void **state)
{
	(void)state;
	char *cause = NULL;
	int32_t deadline = 0;
	struct contract_notice_input in = {
	    .kind = CONTRACT_NOTICE_BREACH,
	    .issued = date("2010-05-10"),
	    .breach = "services provided by a performer not on the list",
	};
	assert_int_equal(domain_contract_notice_check(NULL, &in, &deadline, NULL), 0);
	assert_int_equal(deadline, DOMAIN_DATE_NONE);

	in.period_days = 28;
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "a breach notice gives no period");
	in.period_days = 0;
	in.steps = "stop";
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "use a remedial notice");
	in.steps = NULL;
	in.patient_safety_reason = "x";
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "patient-safety reason:");
	in.patient_safety_reason = NULL;
	in.breach = " ";
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "breach:");

	in.kind = CONTRACT_NOTICE__COUNT;
	assert_int_equal(domain_contract_notice_check(NULL, &in, NULL, &cause), -1);
	assert_cause(cause, "notice kind");

	assert_string_equal(domain_contract_notice_kind_name(CONTRACT_NOTICE_REMEDIAL), "remedial");
	assert_string_equal(domain_contract_notice_kind_name(CONTRACT_NOTICE_BREACH), "breach");
	assert_string_equal(domain_contract_notice_kind_name(CONTRACT_NOTICE__COUNT), "?");
	assert_int_equal(domain_contract_notice_kind_parse("Breach", NULL), CONTRACT_NOTICE_BREACH);
	assert_int_equal(domain_contract_notice_kind_parse("remedy", &cause), -1);
	assert_cause(cause, "must be remedial");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ods_code),	    cmocka_unit_test(test_contract_types),
	    cmocka_unit_test(test_dates),	    cmocka_unit_test(test_list_size_and_config),
	    cmocka_unit_test(test_remedial_notice), cmocka_unit_test(test_breach_notice),
	    cmocka_unit_test(test_notice_outcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
