finpipe_add_test(NAME tst_sha256 SOURCES core/tst_sha256.cpp LABELS core)
