# The headless-Firefox check of dashboard.html (see dashboard_firefox_check.sh), the twin of
# tests/core/dashboard_browser_check.cmake for Chromium. Slow (starts Firefox; the first run also
# installs the pinned puppeteer-core with `npm ci`) and skipped when Firefox, Node.js or npm is
# missing.
if(TARGET tst_dashboard)
    add_test(NAME dashboard_firefox_check
             COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/dashboard_firefox_check.sh $<TARGET_FILE:tst_dashboard>
                     ${CMAKE_CURRENT_BINARY_DIR}/browser-npm)
    set_tests_properties(dashboard_firefox_check PROPERTIES
        LABELS "core;slow" SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
