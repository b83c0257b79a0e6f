finpipe_add_test(NAME tst_cli_hash SOURCES cli/tst_cli_hash.cpp LABELS cli)
finpipe_add_test(NAME tst_cli_inspect SOURCES cli/tst_cli_inspect.cpp LABELS cli)
finpipe_add_test(NAME tst_cli_detect SOURCES cli/tst_cli_detect.cpp LABELS cli)
finpipe_add_test(NAME tst_cli_analyze SOURCES cli/tst_cli_analyze.cpp LABELS cli)
