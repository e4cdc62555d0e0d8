// Compiles the implementation of tests/testing/http_client.h once, into api_test_support.
#define LEDGER_HTTP_CLIENT_IMPLEMENTATION
#include "testing/http_client.h"
