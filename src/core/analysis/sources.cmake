target_sources(finpipe_core PRIVATE
    analysis/resulttable.h
    analysis/analysis.h analysis/analysis.cpp
    analysis/cellvalues.h analysis/cellvalues.cpp analysis/qualitylog.h analysis/qualitylog.cpp
    analysis/salessummary.h analysis/salessummary.cpp
    analysis/profile.h analysis/profile.cpp
    analysis/timeseriesreport.h analysis/timeseriesreport.cpp
)
target_sources(finpipe_core PRIVATE
    analysis/lineage.h analysis/lineage.cpp
    analysis/dataquality.h analysis/dataquality.cpp
    analysis/stationpivot.h analysis/stationpivot.cpp
)
target_sources(finpipe_core PRIVATE
    analysis/banktransactions.h analysis/banktransactions.cpp analysis/bankresult.cpp
    analysis/bankvalues.h analysis/bankvalues.cpp analysis/bankcategories.h analysis/bankcategories.cpp
    analysis/bankreconcile.h analysis/bankreconcile.cpp analysis/bankrecurring.h analysis/bankrecurring.cpp
)
