target_sources(finpipe_core PRIVATE
    jobs/pipeline.h
)
