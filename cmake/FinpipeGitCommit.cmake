# Writes the commit the build comes from into a header, at build time (cmake -P), so that
# --version never names a stale commit. Inputs: SOURCE_DIR, OUTPUT, and optionally COMMIT (set by
# -DFINPIPE_GIT_COMMIT=... for builds from a source archive). Outside git the commit is "unknown";
# a working tree with uncommitted changes to tracked files adds "-dirty".
# The header is replaced only when its text changes: a rebuild recompiles one file at most.
if(COMMIT)
    set(commit "${COMMIT}")
else()
    set(commit "unknown")
    find_program(GIT_EXECUTABLE git)
    if(GIT_EXECUTABLE)
        execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                        OUTPUT_VARIABLE head RESULT_VARIABLE rc
                        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(rc EQUAL 0 AND head MATCHES "^[0-9a-f]+$")
            set(commit "${head}")
            execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" diff --quiet HEAD --
                            RESULT_VARIABLE dirty OUTPUT_QUIET ERROR_QUIET)
            if(dirty EQUAL 1)
                string(APPEND commit "-dirty")
            endif()
        endif()
    endif()
endif()
string(REGEX REPLACE "[^0-9A-Za-z._+-]" "" commit "${commit}")
file(WRITE "${OUTPUT}.tmp" "#pragma once\n#define FINPIPE_GIT_COMMIT \"${commit}\"\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
