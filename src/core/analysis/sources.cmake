target_sources(finpipe_core PRIVATE
    analysis/resulttable.h
    analysis/analysis.h analysis/analysis.cpp
)
