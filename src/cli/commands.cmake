target_sources(finpipe_cli_commands PRIVATE
    cli.h cli.cpp
    commandlist.cpp
    hashcommand.cpp
    inspectcommand.cpp
    detectcommand.cpp
    analyzecommand.cpp
    verifycommand.cpp
)
