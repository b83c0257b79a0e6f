target_sources(finpipe_core PRIVATE
    outputs/htmlescape.h outputs/htmlescape.cpp
    outputs/dashboarddata.h outputs/dashboarddata.cpp
    outputs/dashboard.h outputs/dashboard.cpp
)
