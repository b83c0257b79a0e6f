# The headless-browser check of dashboard.html (see dashboard_browser_check.sh). Slow (starts
# Chromium, ~8 s) and skipped when no Chromium is installed.
if(TARGET tst_dashboard)
    add_test(NAME dashboard_browser_check
             COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/dashboard_browser_check.sh $<TARGET_FILE:tst_dashboard>)
    set_tests_properties(dashboard_browser_check PROPERTIES
        LABELS "core;slow" SKIP_RETURN_CODE 77 TIMEOUT 180)
endif()
