# Desktop app tests (label app): they drive the real widgets, headless (QT_QPA_PLATFORM=offscreen).
finpipe_add_test(NAME tst_mainwindow SOURCES app/tst_mainwindow.cpp app/apptestutil.h LABELS app LIBS finpipe_app)
