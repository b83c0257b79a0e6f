# Desktop app tests (label app): they drive the real widgets, headless (QT_QPA_PLATFORM=offscreen).
finpipe_add_test(NAME tst_mainwindow SOURCES app/tst_mainwindow.cpp app/apptestutil.h LABELS app LIBS finpipe_app)
finpipe_add_test(NAME tst_jobruns SOURCES app/tst_jobruns.cpp app/apptestutil.h LABELS app LIBS finpipe_app)
finpipe_add_test(NAME tst_singleinstance SOURCES app/tst_singleinstance.cpp LABELS app LIBS finpipe_app)
finpipe_add_test(NAME tst_outputsaver SOURCES app/tst_outputsaver.cpp LABELS app LIBS finpipe_app)
finpipe_add_test(NAME tst_secretstore SOURCES app/tst_secretstore.cpp LABELS app LIBS finpipe_app)
finpipe_add_test(NAME tst_qualitytab SOURCES app/tst_qualitytab.cpp app/apptestutil.h LABELS app LIBS finpipe_app)
finpipe_add_test(NAME tst_navigator SOURCES app/tst_navigator.cpp app/apptestutil.h core/notesworkbook.h app/layoutcheck.h LABELS app LIBS finpipe_app PkgConfig::XLSXWRITER)
# About box and --version, paths with spaces and non-ASCII letters (issue 15).
finpipe_add_test(NAME tst_appportability SOURCES app/tst_appportability.cpp app/apptestutil.h LABELS app LIBS finpipe_app)
target_compile_definitions(tst_appportability PRIVATE FINPIPE_APP_PATH="$<TARGET_FILE:finpipe>")
add_dependencies(tst_appportability finpipe)
# The Cloud settings page without servers or keychain (issue 12).
finpipe_add_test(NAME tst_cloudsettings SOURCES app/tst_cloudsettings.cpp app/apptestutil.h app/layoutcheck.h LABELS app LIBS finpipe_app)
