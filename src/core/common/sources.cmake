target_sources(finpipe_core PRIVATE
    common/result.h
    common/feedback.h
    common/spillfile.h common/spillfile.cpp
    common/percent.h
)
target_sources(finpipe_core PRIVATE common/terminal.h common/terminal.cpp)
