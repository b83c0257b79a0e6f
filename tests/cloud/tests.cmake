# Cloud tests (label `cloud`): shell scripts against real servers on 127.0.0.1 — PostgreSQL 15 and
# OpenStack Swift's S3 API — that scripts/cloud-servers.sh starts (a CTest fixture) and stops.
# Starting them needs root and the packages of scripts/install-deps.sh.
set(FINPIPE_CLOUD_DIR ${CMAKE_BINARY_DIR}/cloud-servers)
set(FINPIPE_CLOUD_SERVERS ${PROJECT_SOURCE_DIR}/scripts/cloud-servers.sh)

add_test(NAME cloud_servers_start COMMAND bash ${FINPIPE_CLOUD_SERVERS} start ${FINPIPE_CLOUD_DIR})
set_tests_properties(cloud_servers_start PROPERTIES FIXTURES_SETUP cloud_servers LABELS cloud TIMEOUT 120)
add_test(NAME cloud_servers_stop COMMAND bash ${FINPIPE_CLOUD_SERVERS} stop ${FINPIPE_CLOUD_DIR})
set_tests_properties(cloud_servers_stop PROPERTIES FIXTURES_CLEANUP cloud_servers LABELS cloud TIMEOUT 60)

foreach(name servers migrations rls queue presign)
    add_test(NAME cloud_${name} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_${name}.sh)
    set_tests_properties(cloud_${name} PROPERTIES FIXTURES_REQUIRED cloud_servers LABELS cloud TIMEOUT 300
        ENVIRONMENT "FINPIPE_CLOUD_DIR=${FINPIPE_CLOUD_DIR}")
endforeach()

# C++ tests of src/cloud (and later the worker and the CLI's cloud commands) against the same servers;
# each makes its own database, so they run in parallel with the shell tests.
function(finpipe_add_cloud_test name)
    finpipe_add_test(NAME ${name} SOURCES ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${name}.cpp
                     LABELS cloud ${ARGN} LIBS finpipe_cloud)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED cloud_servers TIMEOUT 180
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;FINPIPE_CLOUD_DIR=${FINPIPE_CLOUD_DIR}")
endfunction()

finpipe_add_cloud_test(tst_pgconnection)
finpipe_add_cloud_test(tst_s3client)
finpipe_add_cloud_test(tst_cloud_check)
finpipe_add_cloud_test(tst_cloud_e2e)
target_compile_definitions(tst_cloud_e2e PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
add_dependencies(tst_cloud_e2e finpipe-worker)
finpipe_add_cloud_test(tst_worker_faults slow) # about 40 s: three 35 MB jobs
target_compile_definitions(tst_worker_faults PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
add_dependencies(tst_worker_faults finpipe-worker)
# Stops and starts the shared PostgreSQL: runs alone.
finpipe_add_cloud_test(tst_cloud_restart slow)
target_compile_definitions(tst_cloud_restart PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
add_dependencies(tst_cloud_restart finpipe-worker)
set_tests_properties(tst_cloud_restart PROPERTIES RUN_SERIAL TRUE)
# Stops and starts the shared S3 endpoint: runs alone.
finpipe_add_cloud_test(tst_cloud_storage_outage slow)
target_compile_definitions(tst_cloud_storage_outage PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
set_tests_properties(tst_cloud_storage_outage PROPERTIES RUN_SERIAL TRUE)
# A hundred simultaneous submissions of one file (about a minute on two cores).
finpipe_add_cloud_test(tst_cloud_crowd slow)
target_compile_definitions(tst_cloud_crowd PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
# The desktop's cloud executor behind the JobController, with a real worker (about 40 s).
finpipe_add_cloud_test(tst_cloud_executor slow)
target_compile_definitions(tst_cloud_executor PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
add_dependencies(tst_cloud_executor finpipe-worker)

# The app's Cloud settings page (issue 12) against these servers, in a real keychain (a throw-away
# gnome-keyring on a private D-Bus session) under Xvfb. FINPIPE_REQUIRE_KEYRING makes a missing
# keychain a failure, not a skip.
if(FINPIPE_BUILD_APP)
    finpipe_add_test(NAME tst_cloudsettings_gui
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_cloudsettings_gui.cpp ${CMAKE_CURRENT_LIST_DIR}/../app/apptestutil.h
        LABELS cloud LIBS finpipe_app finpipe_cloud
        WRAPPER bash ${PROJECT_SOURCE_DIR}/scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1600x1000x24")
    target_include_directories(tst_cloudsettings_gui PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../app)
    set_tests_properties(tst_cloudsettings_gui PROPERTIES FIXTURES_REQUIRED cloud_servers TIMEOUT 180
        ENVIRONMENT "QT_QPA_PLATFORM=xcb;FINPIPE_REQUIRE_KEYRING=1;FINPIPE_CLOUD_DIR=${FINPIPE_CLOUD_DIR}")
endif()

# The desktop app with the team cloud: a real worker, the keychain and Xvfb (about a minute).
if(FINPIPE_BUILD_APP)
    finpipe_add_test(NAME tst_cloud_app
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_cloud_app.cpp ${CMAKE_CURRENT_LIST_DIR}/../app/apptestutil.h
        LABELS cloud slow LIBS finpipe_app finpipe_cloud
        WRAPPER bash ${PROJECT_SOURCE_DIR}/scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1600x1000x24")
    target_include_directories(tst_cloud_app PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../app)
    target_compile_definitions(tst_cloud_app PRIVATE FINPIPE_WORKER_PATH="$<TARGET_FILE:finpipe-worker>")
    add_dependencies(tst_cloud_app finpipe-worker)
    set_tests_properties(tst_cloud_app PROPERTIES FIXTURES_REQUIRED cloud_servers TIMEOUT 240
        ENVIRONMENT "QT_QPA_PLATFORM=xcb;QTWEBENGINE_DISABLE_SANDBOX=1;FINPIPE_CLOUD_DIR=${FINPIPE_CLOUD_DIR}")
endif()
