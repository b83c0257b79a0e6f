finpipe_add_test(NAME tst_sha256 SOURCES core/tst_sha256.cpp LABELS core)
finpipe_add_test(NAME tst_jobstore SOURCES core/tst_jobstore.cpp LABELS core LIBS Qt6::Sql)
finpipe_add_test(NAME tst_dashboard SOURCES core/tst_dashboard.cpp LABELS core)
finpipe_add_test(NAME tst_detect_corpus SOURCES core/tst_detect_corpus.cpp LABELS core)
