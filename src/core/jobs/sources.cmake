target_sources(finpipe_core PRIVATE
    jobs/pipeline.h jobs/pipeline.cpp
    jobs/lineaccount.h jobs/lineaccount.cpp
)
target_sources(finpipe_core PRIVATE jobs/jobstore.h jobs/jobstore.cpp)
