target_sources(finpipe_core PRIVATE
    jobs/pipeline.h
)
target_sources(finpipe_core PRIVATE jobs/jobstore.h jobs/jobstore.cpp)
