target_sources(finpipe_core PRIVATE
    analysis/resulttable.h
    analysis/analysis.h analysis/analysis.cpp
)
target_sources(finpipe_core PRIVATE
    analysis/lineage.h analysis/lineage.cpp
    analysis/dataquality.h analysis/dataquality.cpp
    analysis/stationpivot.h analysis/stationpivot.cpp
)
