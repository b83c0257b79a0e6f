finpipe_add_test(NAME tst_cli_hash SOURCES cli/tst_cli_hash.cpp LABELS cli)
