target_sources(finpipe_cli_commands PRIVATE
    cli.h cli.cpp
    commandlist.cpp
    hashcommand.cpp
    inspectcommand.cpp
    detectcommand.cpp
    analyzecommand.cpp
    verifycommand.cpp
    specoptions.h specoptions.cpp
    cloudcli.h cloudcli.cpp
    cloudcommands.cpp
    submitcommand.cpp
    prunecommand.cpp
)
