/*
 * A library that has NewSdk and nothing else of WeCom's chat archive SDK: FinanceSdk.Open must
 * refuse it, naming the functions it lacks. Built by the tests like fake_finance_sdk.c.
 */
typedef struct WeWorkFinanceSdk_t WeWorkFinanceSdk_t;

WeWorkFinanceSdk_t *NewSdk(void) { return 0; }
