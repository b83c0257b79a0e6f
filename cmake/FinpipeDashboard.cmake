# Bundles the dashboard's chart library (uPlot, from the npm registry, pinned by
# resources/dashboard/package-lock.json) and the dashboard template into finpipe_core.
#
# At build time: copy package.json + package-lock.json into the build tree, run `npm ci` there
# (integrity-checked against the lock file), then embed the library's minified JS/CSS and the
# template's HTML/CSS/JS as byte arrays in a generated header. A dashboard.html written by
# finpipe therefore never needs the network, and the source tree never holds node_modules.
#
# Included from src/core/CMakeLists.txt so the generated header lives in finpipe_core's
# directory scope.

find_program(FINPIPE_NPM_EXECUTABLE NAMES npm npm.cmd
    DOC "npm, used at build time to fetch the dashboard's pinned chart library")
if(NOT FINPIPE_NPM_EXECUTABLE)
    message(FATAL_ERROR
        "npm was not found. finpipe's dashboard bundles the uPlot chart library from the npm "
        "registry at build time (pinned in resources/dashboard/package-lock.json). Install "
        "Node.js and npm (Debian: apt-get install nodejs npm) or set FINPIPE_NPM_EXECUTABLE.")
endif()

set(_fd_src ${PROJECT_SOURCE_DIR}/resources/dashboard)
set(_fd_npm ${CMAKE_CURRENT_BINARY_DIR}/dashboard-npm)
set(_fd_stamp ${_fd_npm}/npm-ci.stamp)
set(_fd_uplot_js ${_fd_npm}/node_modules/uplot/dist/uPlot.iife.min.js)
set(_fd_uplot_css ${_fd_npm}/node_modules/uplot/dist/uPlot.min.css)
set(_fd_header ${CMAKE_CURRENT_BINARY_DIR}/generated/outputs/dashboardassets.h)

# npm extracts files with the tarball's old timestamps, so a stamp marks "npm ci done".
add_custom_command(
    OUTPUT ${_fd_stamp}
    BYPRODUCTS ${_fd_uplot_js} ${_fd_uplot_css}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_fd_npm}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different
            ${_fd_src}/package.json ${_fd_src}/package-lock.json ${_fd_npm}
    COMMAND ${FINPIPE_NPM_EXECUTABLE} ci --no-audit --no-fund --ignore-scripts --prefer-offline
            --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${_fd_stamp}
    DEPENDS ${_fd_src}/package.json ${_fd_src}/package-lock.json
    WORKING_DIRECTORY ${_fd_npm}
    COMMENT "Fetching the dashboard chart library (npm ci, pinned by package-lock.json)"
    VERBATIM)

set(_fd_assets
    "uplotJs=${_fd_uplot_js}"
    "uplotCss=${_fd_uplot_css}"
    "templateHtml=${_fd_src}/template.html"
    "dashboardCss=${_fd_src}/dashboard.css"
    "dashboardJs=${_fd_src}/dashboard.js")
string(REPLACE ";" "|" _fd_assets_arg "${_fd_assets}")

add_custom_command(
    OUTPUT ${_fd_header}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${_fd_header} -DASSETS=${_fd_assets_arg}
            -P ${_fd_src}/embed.cmake
    DEPENDS ${_fd_stamp} ${_fd_src}/embed.cmake ${_fd_src}/template.html
            ${_fd_src}/dashboard.css ${_fd_src}/dashboard.js
    COMMENT "Embedding the dashboard template and chart library"
    VERBATIM)

target_sources(finpipe_core PRIVATE ${_fd_header})
