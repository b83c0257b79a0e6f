# Writes a man page from a program's own --help and --version, at build time, so that the page
# never drifts from the program. cmake -DEXE=<program> -DNAME=<name> -DSUMMARY=<one line>
#   -DVERSION=<x.y.z> -DOUT=<file.1> [-DSUBCOMMANDS=ON] [-DSEE_ALSO=a,b] -P manpage.cmake
# With SUBCOMMANDS, every command the help lists under "Commands:" gets its own section from
# `NAME COMMAND --help`. The program runs with QT_QPA_PLATFORM=offscreen (no display needed).
cmake_minimum_required(VERSION 3.25)
set(ENV{QT_QPA_PLATFORM} offscreen)
set(ENV{LC_ALL} C.UTF-8)

function(run_help out)
    execute_process(COMMAND "${EXE}" ${ARGN} OUTPUT_VARIABLE text ERROR_VARIABLE errors RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR text STREQUAL "")
        message(FATAL_ERROR "${NAME} ${ARGN} failed (${rc}): ${errors}")
    endif()
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# roff: backslashes escaped, a line starting with . or ' made literal, hyphens as minus signs
# (so that options can be searched and copied), program paths replaced by the bare name.
function(to_roff out text command)
    string(REGEX REPLACE "[^ \n]*/${NAME}( |\n)" "${NAME}\\1" text "${text}")
    if(command)
        string(REGEX REPLACE "Usage: ${NAME} " "Usage: ${NAME} ${command} " text "${text}")
    endif()
    string(REPLACE "\\" "\\e" text "${text}")
    string(REPLACE "-" "\\-" text "${text}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
    string(REGEX REPLACE "\n+$" "" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

run_help(help --help)
run_help(version --version)
string(TOUPPER "${NAME}" upper)
to_roff(body "${help}" "")
to_roff(versionText "${version}" "")
string(REPLACE "-" "\\-" escapedName "${NAME}")

set(page ".\\\" Generated from '${NAME} --help' at build time; do not edit.\n")
string(APPEND page ".TH ${upper} 1 \"\" \"finpipe ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\n${escapedName} \\- ${SUMMARY}\n")
string(APPEND page ".SH DESCRIPTION\n.nf\n${body}\n.fi\n")

if(SUBCOMMANDS)
    string(REGEX MATCH "Commands:\n(  [^\n]*\n)+" section "${help}")
    string(REGEX MATCHALL "\n  [a-z][a-z-]*" names "${section}")
    if(NOT names)
        message(FATAL_ERROR "${NAME} --help lists no commands")
    endif()
    string(APPEND page ".SH COMMANDS\n")
    foreach(entry IN LISTS names)
        string(STRIP "${entry}" command)
        run_help(commandHelp ${command} --help)
        to_roff(commandBody "${commandHelp}" "${command}")
        string(APPEND page ".SS ${escapedName} ${command}\n.nf\n${commandBody}\n.fi\n")
    endforeach()
endif()

string(APPEND page ".SH VERSION\n.nf\n${versionText}\n.fi\n")
if(SEE_ALSO)
    string(REPLACE "," ";" seeAlso "${SEE_ALSO}")
    set(refs "")
    foreach(ref IN LISTS seeAlso)
        string(REPLACE "-" "\\-" ref "${ref}")
        list(APPEND refs ".BR ${ref} (1)")
    endforeach()
    list(JOIN refs ",\n" refs)
    string(APPEND page ".SH SEE ALSO\n${refs}\n")
endif()

file(WRITE "${OUT}.tmp" "${page}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
