target_sources(finpipe_core PRIVATE
    outputs/htmlescape.h outputs/htmlescape.cpp
    outputs/dashboarddata.h outputs/dashboarddata.cpp
    outputs/dashboard.h outputs/dashboard.cpp
)
target_sources(finpipe_core PRIVATE
    outputs/atomicfile.h outputs/atomicfile.cpp
    outputs/csvwriter.h outputs/csvwriter.cpp
    outputs/lineagewriter.h outputs/lineagewriter.cpp
    outputs/xlsxoutput.h outputs/xlsxoutput.cpp
    outputs/outputfolder.h outputs/outputfolder.cpp
)
