# One INTERFACE target that every finpipe target links: warnings, Qt hygiene, sanitizers.
add_library(finpipe_warnings INTERFACE)
target_compile_options(finpipe_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(FINPIPE_WERROR)
    target_compile_options(finpipe_warnings INTERFACE -Werror)
    # GCC 12 at -O3 reports -Wrestrict inside std::string's own code (GCC bug 105329, a false
    # positive); keep it visible but do not fail the build on it.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(finpipe_warnings INTERFACE -Wno-error=restrict)
    endif()
endif()
target_compile_definitions(finpipe_warnings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_KEYWORDS QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_CAST_TO_ASCII QT_DISABLE_DEPRECATED_UP_TO=0x060400)
if(FINPIPE_SANITIZE)
    target_compile_options(finpipe_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(finpipe_warnings INTERFACE -fsanitize=address,undefined)
endif()
